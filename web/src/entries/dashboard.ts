import { mount } from '../mount';
import { dashboardView } from '../views/dashboard';
import { instanceView } from '../views/instance';

mount({ instance: instanceView, dashboard: dashboardView });
