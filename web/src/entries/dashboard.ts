import { mount } from '../mount';
import { dashboardView } from '../views/dashboard';

mount({ dashboard: dashboardView });
