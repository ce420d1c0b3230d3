/**
 * Attribution: IP → routed prefix → origin AS → ISP → contact. The public surface of this
 * folder; see docs/attribution.md.
 */
export {
  createPrefixTable,
  createPrefixTableBuilder,
  type PrefixMatch,
  type PrefixTable,
  type PrefixTableBuilder,
  type PrefixTableEntry,
  type RouteInfo,
} from './prefix-table.ts';
export {
  ipLocationDbAsnFiles,
  ipLocationDbNotice,
  loadPrefixTable,
  loadRoutingData,
  type LoadOptions,
  type LoadReport,
  type RoutingDataSource,
} from './load-routing-data.ts';
export { routingDataFormats, type RoutingDataFormat } from './routing-formats.ts';
export {
  createIspRegistry,
  defaultIspPreferences,
  type Isp,
  type IspContacts,
  type IspMatch,
  type IspPreferences,
  type IspRegistry,
  type ReportCadence,
  type ReportFormat,
  type ReportLanguage,
} from './isp-registry.ts';
export { ispsFromDataFile, parseIspRegistry, readIspRegistry } from './isp-registry-file.ts';
export { createIntegratorIndex, type Integrator, type IntegratorContacts, type IntegratorIndex, type IntegratorMatch } from './integrators.ts';
export { integratorsFromDataFile, parseIntegrators, readIntegrators } from './integrator-registry-file.ts';
export { parseSectorContacts, readSectorContacts, sectorContactsFromDataFile, type SectorContact } from './sector-contacts.ts';
export { createRdapClient, type RdapClient, type RdapClientOptions, type RdapLookup } from './rdap-client.ts';
export type { RdapNetwork } from './rdap-response.ts';
export { createAttributor, type Attributor, type AttributorOptions } from './attributor.ts';
export { writeMmdb, type MmdbRange, type MmdbValue, type MmdbWriterOptions } from './mmdb-writer.ts';
