export { isInRollout, rolloutBucket, rolloutKey, stagingPercentage } from './rollout';
export { createInstallPolicy, type InstallDecision, type InstallPolicy, type InstallPolicyOptions } from './install-policy';
