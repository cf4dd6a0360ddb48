// "Test-send to myself": every variant rendered for a placeholder member and pushed to the staff member's own chat,
// marked [TEST], before anybody approves it. No send row, no tracked link: nothing of it counts in the results.
import type { CustomerPusher, ChannelName } from '../conversation/message.js';
import type { CoreDeps } from '../shared/index.js';
import { getCampaign } from './campaigns.js';
import { directionOf, fillVariables, pickLanguage, type TemplateValues } from './template.js';
import type { TestSendOutcome } from './types.js';

/** The placeholder member a test send is rendered for. */
export const SAMPLE_MEMBER: TemplateValues = { name: 'Sam Sample', first_name: 'Sam', points: '1250', tier: 'Gold', member_code: 'SAMPLE01' };

/** Pushes each variant of the campaign, in `language` where it has it, to `chatId` on `channel`. */
export async function testSend(
  deps: CoreDeps & { pusher: CustomerPusher },
  input: { brandId: string; campaignId: number; channel: string; chatId: string; language: string },
): Promise<TestSendOutcome> {
  const campaign = await getCampaign(deps, input);
  if (!campaign) return { status: 'not_found' };
  if (campaign.variants.length === 0) return { status: 'no_variants' };
  const channel = (input.channel === 'webchat' ? 'web' : input.channel) as ChannelName;
  const results: Extract<TestSendOutcome, { status: 'sent' }>['results'] = [];
  for (const v of campaign.variants) {
    const language = pickLanguage(v.content, input.language, 'en');
    if (!language) continue;
    const text = `[TEST] ${campaign.name} · ${v.key}\n${fillVariables(v.content[language]!, SAMPLE_MEMBER)}`;
    let result;
    try {
      // Never the paid WhatsApp template for a test: outside the window the result says so.
      result = await deps.pusher({ channel, chatId: input.chatId }, { text, dir: directionOf(language) }, { template: false });
    } catch {
      result = { status: 'failed' as const, code: 'UNKNOWN' };
    }
    results.push(
      result.status === 'failed' ? { variant: v.key, language, result: 'failed', code: result.code } : { variant: v.key, language, result: result.status },
    );
  }
  return { status: 'sent', results };
}
