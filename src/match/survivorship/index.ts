export {
  DEFAULT_SURVIVORSHIP_FILE,
  HOUSE_FIELDS,
  loadSurvivorshipConfig,
  parseSurvivorshipConfig,
  PERSON_FIELDS,
  SurvivorshipConfigSchema,
  UNIT_FIELDS,
} from './config.ts'
export type {
  HouseField,
  PersonField,
  SurvivorshipConfig,
  SurvivorshipConfigOptions,
  TrustList,
  UnitField,
} from './config.ts'
export { birthPrecisionRank, compileSurvivorship, loadSurvivorship, Survivorship } from './survivorship.ts'
export type {
  GoldenAddress,
  GoldenHouse,
  GoldenPerson,
  GoldenUnit,
  HouseMember,
  PersonMember,
  UnitMember,
} from './types.ts'
