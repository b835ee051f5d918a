/**
 * What each GraphQL type's resolvers receive as their parent, where it is not the generated shape:
 * rows as the database returns them, and connections of rows. `npm run codegen` maps every type
 * exported here (by name) in generated/resolvers.ts.
 */
import type { Connection } from '../../lib/pagination.js';
import type {
  ContactRow,
  CustomerRow,
  CustomFieldDefinitionRow,
  InteractionRow,
  ServiceTicketRow,
  TenantRow,
} from './db/schema.js';

export type Tenant = TenantRow;
export type Customer = CustomerRow;
export type CustomerConnection = Connection<CustomerRow>;
export type Contact = ContactRow;
export type Interaction = InteractionRow;
export type InteractionConnection = Connection<InteractionRow>;
export type ServiceTicket = ServiceTicketRow;
export type ServiceTicketConnection = Connection<ServiceTicketRow>;
export type CustomFieldDefinition = CustomFieldDefinitionRow;
