import type { CountryCode } from 'libphonenumber-js';
import { enroll, loadTiers } from '../../../core/loyalty/index.js';
import { attachUnmatchedTransactions } from '../../../core/pos/index.js';
import { parseBirthday, parsePhone } from '../../../nlu/index.js';
import { confirmField, yesNo, type FieldOutcome, type FormField, type FormSpec } from '../forms/form-engine.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';
import { balanceReplies, tierLabel } from './balance.js';

const MAX_NAME = 80;

const nameField: FormField = {
  name: 'name',
  freeText: true,
  ask: (ctx) => [say(ctx, ctx.t.enroll.askName, { buttons: [{ label: ctx.t.buttons.cancel, payload: 'form:cancel' }] })],
  accept: (ctx, { text }) => {
    const name = text.replace(/\s+/g, ' ').trim();
    // A name has letters and no digits or symbols that only ever come from typos or pasted junk.
    const ok = name.length > 0 && name.length <= MAX_NAME && /\p{L}/u.test(name) && !/[\p{N}@#$%^&*_=+<>{}[\]\\|/~`]/u.test(name);
    return ok ? { kind: 'ok', value: name } : { kind: 'retry', replies: [say(ctx, ctx.t.enroll.invalidName)] };
  },
};

const birthdayField: FormField = {
  name: 'birthday',
  freeText: false,
  ask: (ctx) => [say(ctx, ctx.t.enroll.askBirthday, { buttons: [{ label: ctx.t.buttons.cancel, payload: 'form:cancel' }] })],
  accept: (ctx, { text }) => {
    const parsed = parseBirthday(text, ctx.deps.clock.now());
    return parsed.ok ? { kind: 'ok', value: parsed.date } : { kind: 'retry', replies: [say(ctx, ctx.t.enroll.birthdayError(parsed.reason))] };
  },
};

const phoneField: FormField = {
  name: 'phone',
  freeText: false,
  ask: (ctx) => [
    say(ctx, ctx.t.enroll.askPhone, {
      buttons: [{ label: ctx.t.buttons.skip, payload: 'form:skip' }],
      ...(ctx.msg.channel === 'telegram' ? { requestContact: { label: ctx.t.buttons.shareContact } } : {}),
    }),
  ],
  // Telegram customers who already shared their own number are not asked again.
  skip: (ctx) => (ctx.customer.phone && ctx.customer.phoneVerified ? { value: `verified:${ctx.customer.phone}` } : null),
  accept: (ctx, { text, payload, contact, understood }): FieldOutcome => {
    if (payload === 'form:skip' || understood.intent === 'deny') return { kind: 'ok', value: null };
    if (contact) {
      const parsed = parsePhone(contact.phone, ctx.brand.country as CountryCode);
      if (parsed.ok) {
        const value = contact.verified ? `verified:${parsed.e164}` : parsed.e164;
        return { kind: 'ok', value, replies: [say(ctx, ctx.t.enroll.phoneFromContact(parsed.e164))] };
      }
    }
    const parsed = parsePhone(text, ctx.brand.country as CountryCode);
    return parsed.ok ? { kind: 'ok', value: parsed.e164 } : { kind: 'retry', replies: [say(ctx, ctx.t.enroll.invalidPhone)] };
  },
};

const termsField = confirmField({
  name: 'terms',
  question: (ctx) => ctx.t.enroll.askTerms(ctx.brand.termsVersion),
  labels: (ctx) => ({ yes: ctx.t.buttons.accept, no: ctx.t.buttons.decline }),
  declined: (ctx) => [menuReply(ctx, ctx.t.enroll.termsDeclined)],
});

const marketingField: FormField = {
  name: 'marketing',
  freeText: false,
  ask: (ctx) => [
    say(ctx, ctx.t.enroll.askMarketing, {
      buttons: [
        { label: ctx.t.buttons.optIn, payload: 'form:yes' },
        { label: ctx.t.buttons.optOut, payload: 'form:no' },
      ],
    }),
  ],
  accept: (ctx, { payload, understood }) => {
    const answer = yesNo(payload, understood);
    return answer === null ? { kind: 'retry', replies: [say(ctx, ctx.t.enroll.answerYesNo)] } : { kind: 'ok', value: answer };
  },
};

/** The enrollment form: name, birthday, phone (optional), terms, then a separate marketing opt-in. */
export const enrollmentForm: FormSpec = {
  id: 'enroll',
  intent: 'enroll',
  fields: [nameField, birthdayField, phoneField, termsField, marketingField],
  intro: (ctx) => [say(ctx, ctx.t.enroll.intro)],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.enroll.cancelled)],
  resumeText: (ctx) => ctx.t.enroll.resume,
  complete: async (ctx, values) => {
    const phoneValue = typeof values.phone === 'string' ? values.phone : null;
    const verified = phoneValue?.startsWith('verified:') ?? false;
    const result = await enroll(ctx.deps, {
      brandId: ctx.brand.id,
      customerId: ctx.customer.id,
      channel: ctx.msg.channel,
      name: String(values.name),
      birthday: String(values.birthday),
      phone: phoneValue ? phoneValue.replace(/^verified:/, '') : undefined,
      phoneVerified: verified,
      acceptedTerms: values.terms === true,
      marketingOptIn: values.marketing === true,
      termsVersion: ctx.brand.termsVersion,
      marketingWordingVersion: ctx.brand.marketingWordingVersion,
      referrerMemberCode: typeof values.referrer === 'string' ? values.referrer : undefined,
    });
    switch (result.status) {
      case 'enrolled': {
        ctx.isMember = true;
        const tier = await tierName(ctx, result.account.tierCode);
        // Purchases made with this (verified) phone before joining now earn their points.
        const earlier = await attachUnmatchedTransactions(ctx.deps, { brandId: ctx.brand.id, accountId: result.account.id });
        return [
          say(ctx, ctx.t.enroll.welcome(String(values.name), result.account.memberCode, tier)),
          ...(result.referred ? [say(ctx, ctx.t.referral.applied)] : []),
          ...(earlier.attached > 0 ? [say(ctx, ctx.t.enroll.earlierPurchases(earlier.attached, earlier.points))] : []),
          menuReply(ctx, ctx.t.enroll.marketingConfirmed(values.marketing === true)),
        ];
      }
      case 'already_member':
        ctx.isMember = true;
        return [say(ctx, ctx.t.enroll.alreadyMember(result.account.memberCode)), ...(await balanceReplies(ctx))];
      case 'terms_not_accepted':
        return [menuReply(ctx, ctx.t.enroll.termsDeclined)];
    }
  },
};

async function tierName(ctx: TurnContext, code: string): Promise<string> {
  const tiers = await loadTiers(ctx.deps.db, ctx.brand.id);
  const tier = tiers.find((t) => t.code === code);
  return tier ? tierLabel(ctx, tier) : code;
}
