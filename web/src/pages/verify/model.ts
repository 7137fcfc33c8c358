// Names for the verification types the pages use, from the generated
// OpenAPI types (no hand copies of the server's structures).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type VerifyRun = Schemas['VerifyRun'];
export type VerifyStatus = VerifyRun['status'];
export type VerifyKind = VerifyRun['kind'];
export type VerifyStarted = Schemas['VerifyStarted'];
export type Message = Schemas['Message'];
export type InspectionConfig = Schemas['InspectionConfig'];
export type InspectionConditions = Schemas['InspectionConditions'];
export type InspectionRequest = Schemas['InspectionRequest'];
export type InspectionResult = Schemas['InspectionResult'];
export type SimulationConfig = Schemas['SimulationConfig'];
export type SimulationConditions = Schemas['SimulationConditions'];
export type SimulationRequest = Schemas['SimulationRequest'];
export type SimulationRun = Schemas['SimulationRun'];
export type SimulationResult = Schemas['SimulationResult'];
export type VerifyPhase = Schemas['VerifyPhase'];
export type PhaseStatus = VerifyPhase['status'];
export type VerifyBatch = Schemas['VerifyBatch'];
export type Assertion = Schemas['Assertion'];
export type RestoreOutcome = Schemas['RestoreOutcome'];
export type VersionCount = Schemas['VersionCount'];
export type ChainCount = Schemas['ChainCount'];
export type ChainHop = Schemas['ChainHop'];
export type ChainTopology = Schemas['ChainTopology'];
export type ServiceSides = Schemas['ServiceSides'];

/** Nepxion's task key of a test: group@@serviceId. */
export const taskOf = (group: string, serviceId: string) => `${group}@@${serviceId}`;

/** Whether a run can change no more. */
export const finished = (s: VerifyStatus) => s !== 'RUNNING';
