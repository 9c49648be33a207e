export { IdentityCheck, type IdentityCheckProps } from './IdentityCheck';
