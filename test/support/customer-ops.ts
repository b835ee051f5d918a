import type { Stack } from './stack.js';

/** Operations the customer tests share; each returns the payload of its one root field. */
export const CUSTOMER_FIELDS = `id name kind industry email phone website ownerId tags segment createdAt updatedAt archivedAt
  address { line1 line2 city region postalCode country }
  customFields { key label type text number date boolean }`;

export const USER_ERRORS = 'userErrors { code field message }';

export function customerOps(stack: Stack, token: string) {
  const run = async (query: string, variables: Record<string, unknown>, root: string) => {
    const res = await stack.query(token, query, variables);
    if (res.errors) throw new Error(`${root} failed: ${JSON.stringify(res.errors)}`);
    return res.data[root];
  };
  return {
    createCustomer: (input: Record<string, unknown>) =>
      run(
        `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} } ${USER_ERRORS} } }`,
        { input },
        'createCustomer',
      ),
    updateCustomer: (input: Record<string, unknown>) =>
      run(
        `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} } ${USER_ERRORS} } }`,
        { input },
        'updateCustomer',
      ),
    archiveCustomer: (id: string) =>
      run(
        `mutation($input: ArchiveCustomerInput!) { archiveCustomer(input: $input) { customer { id archivedAt } ${USER_ERRORS} } }`,
        { input: { id } },
        'archiveCustomer',
      ),
    customer: (id: string) => run(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`, { id }, 'customer'),
    customers: (args: Record<string, unknown> = {}) =>
      run(
        `query($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
          customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
            totalCount edges { cursor node { id name } } nodes { id name tags } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
        args,
        'customers',
      ),
    addContact: (input: Record<string, unknown>) =>
      run(
        `mutation($input: AddContactInput!) { addContact(input: $input) { contact { id name title email phone decisionRole isPrimary } ${USER_ERRORS} } }`,
        { input },
        'addContact',
      ),
    updateContact: (input: Record<string, unknown>) =>
      run(
        `mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id name title email phone decisionRole isPrimary } ${USER_ERRORS} } }`,
        { input },
        'updateContact',
      ),
    removeContact: (id: string) =>
      run(
        `mutation($input: RemoveContactInput!) { removeContact(input: $input) { removedContactId ${USER_ERRORS} } }`,
        { input: { id } },
        'removeContact',
      ),
    logInteraction: (input: Record<string, unknown>) =>
      run(
        `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id kind occurredAt summary authorId contact { id name } } ${USER_ERRORS} } }`,
        { input },
        'logInteraction',
      ),
    tagCustomers: (input: Record<string, unknown>) =>
      run(
        `mutation($input: TagCustomersInput!) { tagCustomers(input: $input) { customers { id tags } ${USER_ERRORS} } }`,
        { input },
        'tagCustomers',
      ),
    untagCustomers: (input: Record<string, unknown>) =>
      run(
        `mutation($input: TagCustomersInput!) { untagCustomers(input: $input) { customers { id tags } ${USER_ERRORS} } }`,
        { input },
        'untagCustomers',
      ),
    openServiceTicket: (input: Record<string, unknown>) =>
      run(
        `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { serviceTicket { id subject description status priority openedAt resolvedAt satisfactionScore } ${USER_ERRORS} } }`,
        { input },
        'openServiceTicket',
      ),
    updateServiceTicket: (input: Record<string, unknown>) =>
      run(
        `mutation($input: UpdateServiceTicketInput!) { updateServiceTicket(input: $input) { serviceTicket { id subject status priority resolvedAt satisfactionScore } ${USER_ERRORS} } }`,
        { input },
        'updateServiceTicket',
      ),
    resolveServiceTicket: (id: string) =>
      run(
        `mutation($input: ResolveServiceTicketInput!) { resolveServiceTicket(input: $input) { serviceTicket { id status resolvedAt } ${USER_ERRORS} } }`,
        { input: { id } },
        'resolveServiceTicket',
      ),
    recordSatisfaction: (ticketId: string, score: number) =>
      run(
        `mutation($input: RecordSatisfactionInput!) { recordSatisfaction(input: $input) { serviceTicket { id satisfactionScore } ${USER_ERRORS} } }`,
        { input: { ticketId, score } },
        'recordSatisfaction',
      ),
    defineCustomField: (input: Record<string, unknown>) =>
      run(
        `mutation($input: DefineCustomFieldInput!) { defineCustomField(input: $input) { definition { entity key label type options required } ${USER_ERRORS} } }`,
        { input },
        'defineCustomField',
      ),
  };
}

export type CustomerOps = ReturnType<typeof customerOps>;
