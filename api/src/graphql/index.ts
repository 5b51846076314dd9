/** Imports every type file (each registers itself on the builder) and builds the schema. */
import { builder } from './builder';
import './types/scalars';
import './types/refs';
import './types/provider';
import './types/region';
import './types/model';
import './types/endpoint';
import './types/errors';
import './types/api-key';
import './types/organization';
import './types/viewer';
import './types/eco';
import './types/complete';
import './types/routing-policy';
import './types/requests';
import './types/usage';
import './types/credits';
import './types/audit-log';
import './types/instance';
import './types/footprint';
import './types/analytics-source';

export const schema = builder.toSchema({ sortSchema: true });
