import { reliabilitySetup } from "./writeReliabilityReport";

export default reliabilitySetup;
