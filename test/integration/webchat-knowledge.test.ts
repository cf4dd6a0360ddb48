// Questions the bot has no action for are answered from the brand's knowledge base (the demo brand's sample KB,
// ingested at start), with the source named; gibberish still gets the fallback menu, not a made-up answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('knowledge answers in the chat on %s', (kind) => {
  let t: TestApp;
  const client = () => new WebChatClient(() => t.app);
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers an opening-hours question in English with its source', async () => {
    const answer = await client().say('what time do you open on friday?');
    expect(answer).toMatch(/open every day from 10:00 to 23:00/);
    expect(answer).toMatch(/— from “Opening hours”/);
  });

  it('answers a returns question in Chinese', async () => {
    const answer = await client().say('可以退貨嗎？');
    expect(answer).toMatch(/14天內憑收據退貨/);
    expect(answer).toMatch(/出自「退貨及退款」/);
  });

  it('prefers a confident knowledge-base answer to an unsure guess at an intent', async () => {
    // Offline, this is an unsure guess at "help"; the knowledge base knows the answer.
    const en = await client().say('any vegan options?');
    expect(en).toMatch(/oat latte/);
    expect(en).not.toMatch(/Here is what I can do/);
  });

  it('does not answer gibberish from the knowledge base', async () => {
    expect(await client().say('asdkjh qwe')).toMatch(/didn't quite get that/);
  });
});
