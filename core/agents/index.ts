/** Agent accounts: creation, duty, console sign-in (scrypt, lockout, audited) and console sessions. */
export { createAgent, listAgents, findAgent, findAgentById, setPassword, setOnDuty, verifyLogin, normalizeLogin, agentView, MAX_FAILED_LOGINS, LOCKOUT_MS } from './agents.js';
export type { AgentView, CreateAgentInput, LoginResult } from './agents.js';
export { createSession, sessionAgent, revokeSession, revokeAgentSessions, hashSessionToken } from './sessions.js';
export type { AgentSession } from './sessions.js';
export { hashPassword, verifyPassword, passwordProblem, preparePasswordCheck, PASSWORD_LENGTH, SCRYPT_PARAMS } from './password.js';
