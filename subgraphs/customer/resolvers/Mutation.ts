import { activityMutations } from '../mutations/activities.js';
import { contactMutations } from '../mutations/contacts.js';
import { customFieldMutations } from '../mutations/custom-fields.js';
import { customerMutations } from '../mutations/customers.js';

export const Mutation = { ...customerMutations, ...contactMutations, ...activityMutations, ...customFieldMutations };
