/** The shortest password an account may have; the server refuses shorter ones and the UI says so up front. */
export const PASSWORD_MIN_LENGTH = 12;
