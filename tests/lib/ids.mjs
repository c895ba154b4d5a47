// Valid identifiers for test data: citizen ID numbers (GB 11643) and
// unified social credit codes (GB 32100), built with their check characters.

export function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// A civil-affairs (5), social-service (2) code in county6 for number n.
export function creditCode(county6, n) {
  const s17 = '52' + county6 + String(n).padStart(8, '0') + 'X';
  const sum = [...s17].reduce((a, c, i) => a + CREDIT_ALPHABET.indexOf(c) * CREDIT_WEIGHTS[i], 0);
  return s17 + CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
}
