import { mount } from '../mount';
import { calculatorView } from '../views/calculator';
import { modelsView } from '../views/models';

mount({ calculator: calculatorView, browser: modelsView });
