import { mount } from '../mount';
import { settingsView } from '../views/settings';

mount({ settings: settingsView });
