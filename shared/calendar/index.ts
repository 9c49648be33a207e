/** Working-day calendar: holiday data format, validation and 工作日 arithmetic. */
export * from './errors';
export * from './working-days';
export { isWeekendDay, WEEKDAY_NAMES } from './civil-date';
export * from './bundle';
