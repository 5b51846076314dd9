import { enhanceCalculator, enhanceFilters } from '../views/browser-enhance';

// The page arrives complete from the server; this only makes the filter live and the calculator in place.
enhanceFilters();
enhanceCalculator();
