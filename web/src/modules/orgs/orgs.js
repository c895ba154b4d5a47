// Shared bits of the organisation pages.
export const ORG_TYPES = ['private_non_enterprise', 'social_group', 'foundation', 'public_institution', 'other'];
export const ORG_STATUSES = ['active', 'deregistered'];

// "4A" for 4; the grade tag of an organisation or a rating.
export function gradeLabel(grade) {
  return grade ? `${grade}A` : '';
}
