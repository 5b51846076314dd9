import { mount } from '../mount';
import { instanceView } from '../views/instance';
import { settingsView } from '../views/settings';

mount({ instance: instanceView, settings: settingsView });
