/** Object refs shared across type files, so the files can reference each other without cycles. */
import type { EndpointRow, ModelRow, ProviderRow, RegionRow } from '../../db/schema';
import { builder } from '../builder';

export const ProviderRef = builder.objectRef<ProviderRow>('Provider');
export const RegionRef = builder.objectRef<RegionRow>('Region');
export const ModelRef = builder.objectRef<ModelRow>('Model');
export const EndpointRef = builder.objectRef<EndpointRow>('Endpoint');
