import { describe, expect, it } from 'vitest';
import { readCookie, sessionCookie } from './cookies.js';
import { refusalError } from './outcomes.js';

describe('console refusals', () => {
  it('say what happened and, for a reply, that nothing was sent', () => {
    expect(refusalError({ status: 'closed' }, 'reply')).toEqual({ status: 409, error: { code: 'CLOSED', message: 'This conversation was handed back to the bot; your message was not sent.' } });
    expect(refusalError({ status: 'closed' }, 'hand_back').error.message).toBe('This conversation was already handed back to the bot.');
    expect(refusalError({ status: 'taken_by_other', agentName: 'Sara' }, 'take')).toEqual({ status: 409, error: { code: 'TAKEN_BY_OTHER', message: 'Sara has taken this conversation.', agentName: 'Sara' } });
    expect(refusalError({ status: 'taken_by_other', agentName: 'Sara' }, 'reply').error.message).toBe('Sara has taken this conversation; your message was not sent.');
    expect(refusalError({ status: 'taken_by_other', agentName: 'Sara' }, 'resolve').error.message).toBe('Sara has taken this conversation; only they can resolve it.');
    expect(refusalError({ status: 'not_taken' }, 'reply').error.message).toBe('Take this conversation first; your message was not sent.');
    expect(refusalError({ status: 'not_found' }, 'view').status).toBe(404);
    expect(refusalError({ status: 'not_an_agent' }, 'note').status).toBe(403);
    expect(refusalError({ status: 'full' }, 'take')).toMatchObject({ status: 409, error: { code: 'FULL' } });
    expect(refusalError({ status: 'unknown_canned', names: ['closing', 'greeting'] }, 'canned').error.message).toBe('No canned response by that name. Known: closing, greeting.');
  });
});

describe('console session cookie', () => {
  it('is httpOnly and SameSite=Strict on path /, Secure when asked', () => {
    expect(sessionCookie('tok', { maxAgeMs: 3_600_000, secure: true })).toBe('crm_agent=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
    expect(sessionCookie('', { maxAgeMs: 0, secure: false })).toBe('crm_agent=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });

  it('is read from a Cookie header among others', () => {
    expect(readCookie('a=1; crm_agent=abc; b=2', 'crm_agent')).toBe('abc');
    expect(readCookie('crm_agentx=1; xcrm_agent=2', 'crm_agent')).toBeNull();
    expect(readCookie('crm_agent=', 'crm_agent')).toBeNull();
    expect(readCookie(undefined, 'crm_agent')).toBeNull();
  });
});
