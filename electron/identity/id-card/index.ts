/** ID-card input (读证): one interface, three drivers. See docs/IDENTITY.md. */
export { IdCardError, ID_CARD_ERROR_CODES, type IdCardData, type IdCardDriver, type IdCardErrorCode, type IdCardReader } from './types';
export { cardValidity, checkCard, type CardCheck, type CardValidity, type CardValidityStatus } from './check';
export { createManualReader, cutFaceFromCard, photoRectAround } from './manual';
export { createTrainingReader, listTrainingCards, readTrainingCard, trainingCardSchema, type TrainingCardFile } from './training';
export { createVendorReader, parseIdCardText, ID_CARD_TEXT_BYTES, type VendorCardAdapter } from './vendor';
