import { describe, expect, it } from 'vitest';
import { describesProblem, ticketStatusRequest } from './tickets.js';

describe('ticketStatusRequest', () => {
  it.each([
    ["What's the status of my ticket?", null],
    ['any news on my complaint?', null],
    ['what happened to my case', null],
    ['ticket 12', 12],
    ['Ticket #12 please', 12],
    ['وين وصلت شكوتي', null],
    ['شو صار بالشكوى', null],
    ['حالة التذكرة رقم ١٢', 12],
    ['我的工單進度', null],
    ['我的工单进度', null],
    ['投訴處理得怎樣了', null],
    ['工單 34', 34],
  ] as const)('reads %s as a status question (ticket %s)', (text, ticketId) => {
    expect(ticketStatusRequest(text)).toEqual({ ticketId });
  });
  it.each([
    'I want to file a complaint, where do I go',
    'I have a complaint about the status of my order',
    'ابي اقدم شكوى وين اروح',
    '我想投訴，要怎樣做',
    'complaint',
    'my points are missing',
    '',
  ])('does not read %s as one', (text) => {
    expect(ticketStatusRequest(text)).toBeNull();
  });
});

describe('describesProblem', () => {
  it.each(['the cashier was rude', 'الكاشير كان وقح جدا معي', '店員態度很差', 'my points were not added after my purchase yesterday'])('takes %s as a description', (text) => {
    expect(describesProblem(text)).toBe(true);
  });
  it.each(['I want to complain', 'I have a problem', 'complaint', 'عندي شكوى', '我要投訴', '/support'])('asks for more after %s', (text) => {
    expect(describesProblem(text)).toBe(false);
  });
});
