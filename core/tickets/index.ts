/** Support tickets: priority rules, SLA in business hours, status history, CSAT, SLA warnings and breaches. */
export {
  createTicket,
  changeStatus,
  assign,
  setPriority,
  addNote,
  recordFirstResponse,
  ticketStatusForCustomer,
  recordCsat,
  recordCsatComment,
  ticketHistory,
  canTransition,
  slaDueTimes,
} from './tickets.js';
export type {
  Ticket,
  TicketStatus,
  TicketSource,
  TicketActor,
  TicketPolicyOption,
  CreateTicketInput,
  TicketRefusal,
  ChangeStatusResult,
  AssignResult,
  SetPriorityResult,
  AddNoteResult,
  FirstResponseResult,
  CustomerTicketView,
  RecordCsatResult,
  CsatCommentResult,
} from './tickets.js';
export { checkSla, registerTicketJobs, TICKET_JOBS } from './sla.js';
export type { SlaNotice, SlaKind, SlaLevel } from './sla.js';
export { addBusinessHours, DEFAULT_BUSINESS_SCHEDULE } from './business-hours.js';
export type { BusinessSchedule, DayHours, Weekday } from './business-hours.js';
export { ticketPriority, resolveTicketPolicy, DEFAULT_TICKET_POLICY, TICKET_PRIORITIES } from './policy.js';
export type { TicketPriority, TicketPolicy, TicketPolicyInput, PriorityReason, PriorityFacts, SlaHours } from './policy.js';
