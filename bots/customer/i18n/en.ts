import { formatDate, formatPoints, type Catalog, type MovementText, type RewardLine, type RewardNote, type TicketStatusLine } from './catalog.js';

/** English. */
export const en: Catalog = {
  languageName: 'English',
  greeting: (name) => `Hi${name ? ` ${name}` : ''}! 👋 I'm the Loyalty Club assistant. I can sign you up, show your points and more.`,
  menuPrompt: 'What would you like to do?',
  skipWords: ['skip', 'skip it', 'later', 'not now', 'no phone'],
  buttons: {
    join: 'Join the club',
    balance: 'My points',
    language: 'Language',
    help: 'Help',
    yes: 'Yes',
    no: 'No',
    accept: 'I accept',
    decline: 'No thanks',
    skip: 'Skip',
    cancel: 'Cancel',
    shareContact: '📱 Share my number',
    optIn: 'Yes, send me offers',
    optOut: 'No offers',
    rewards: 'Rewards',
    vouchers: 'My vouchers',
    giftCard: 'Gift card balance',
    redeemYes: 'Yes, redeem',
    redeemNo: 'Not now',
    history: 'Points history',
    human: 'Talk to a person',
  },
  help:
    'Here is what I can do:\n• Join the loyalty club — just say "join"\n• Show your points, tier and expiring points — say "balance"\n• Show the rewards you can get for your points and redeem one — say "rewards"\n• Show your vouchers and their QR codes — say "my vouchers"\n• Check a gift card — say "gift card balance"\n• Your points history, our tiers and their perks, inviting a friend, our stores and opening hours\n• Questions about our products and policies — just ask\n• Something went wrong? Say "complaint" and I will open a ticket; "my ticket" shows its status\n• Talk to a person — say "agent"\n• Change the language — say "language"\nYou can say "cancel" at any time to stop what we are doing.',
  fromKnowledge: (answer, source) => `${answer}\n\n— from “${source}”`,
  notInKnowledge: "I couldn't find the answer to that in our information. Would you like to ask a person from our team?",
  fallback: "Sorry, I didn't quite get that. Here is what I can help with:",
  fallbackOfferHuman: "Sorry, I still didn't understand. Would you like to talk to a person from our team?",
  tooLong: 'That message is too long for me to read. Could you tell me in a sentence or two?',
  media: "Thanks! I can't look at photos, stickers or voice messages yet — could you type your question?",
  emojiOnly: '😊 How can I help you today?',
  somethingWentWrong: 'Sorry, something went wrong on my side. Please try again in a moment.',
  thanks: "You're welcome! Anything else I can do for you?",
  goodbye: 'Goodbye, and see you soon! 👋',
  chooseLanguage: 'Please choose your language:',
  languageSet: "OK, I'll speak English from now on.",
  enroll: {
    intro: "Great, let's get you into the Loyalty Club! It takes less than a minute.",
    askName: "What's your full name?",
    invalidName: 'Please type your name using letters (up to 80 characters).',
    askBirthday: "What's your date of birth? For example 1990-03-12 or 12/03/1990.",
    birthdayError: (reason) =>
      ({
        unrecognized: "I couldn't read that date. Please write it like 1990-03-12 or 12/03/1990.",
        impossible: "That date doesn't exist. Please check the day and month.",
        future: "That date is in the future. Please enter your date of birth.",
        too_old: 'That seems too long ago. Please check the year.',
        too_young: 'Sorry, you need to be at least 13 years old to join.',
      })[reason],
    askPhone: 'What is your mobile number (with country code)? You can tap the button to share it, type it, or skip.',
    invalidPhone: "That doesn't look like a valid mobile number. Please include the country code, e.g. +971 50 123 4567, or tap Skip.",
    phoneFromContact: (phone) => `Thanks, I've got your number ${phone}.`,
    askTerms: (version) =>
      `Do you accept the Loyalty Club terms (version ${version})? In short: you earn points on purchases, points expire 12 months after they are earned, and we keep your details to run the programme.`,
    termsDeclined: 'No problem. You need to accept the terms to join, so I have stopped here. You can join any time by saying "join".',
    askMarketing: 'Would you like to receive offers and news from us in this chat? This is optional, and you can stop any time by sending STOP.',
    answerYesNo: 'Please answer with the buttons, or say yes or no.',
    earlierPurchases: (purchases, points) => `We found ${purchases} earlier purchase${purchases === 1 ? '' : 's'} with your number: ${formatPoints(points, 'en')} points added.`,
    welcome: (name, code, tier) => `Welcome to the club, ${name}! 🎉 Your member number is ${code}. You're starting at ${tier} with 0 points.`,
    marketingConfirmed: (optedIn) =>
      optedIn ? "You'll get our offers here. Send STOP any time to opt out." : "We won't send you offers. You can change that any time.",
    alreadyMember: (code) => `You're already a member (member number ${code}). Here is your balance:`,
    cancelled: "OK, I've cancelled the sign-up. Nothing was saved.",
    resume: "Now, back to your sign-up:",
  },
  nothingToCancel: "There's nothing to cancel.",
  balance: (b) => {
    const lines = [`You have ${formatPoints(b.points, 'en')} points.`, `Tier: ${b.tierName}.`];
    if (b.pendingPoints > 0) lines.push(`+ ${formatPoints(b.pendingPoints, 'en')} points on hold until the return period of recent purchases ends.`);
    if (b.next) lines.push(`${formatPoints(b.next.pointsNeeded, 'en')} more points to reach ${b.next.tierName}.`);
    else lines.push("You're at our top tier. Thank you!");
    if (b.expiring) lines.push(`⏳ ${formatPoints(b.expiring.points, 'en')} points expire on ${formatDate(b.expiring.date, 'en')}.`);
    lines.push(`Member number: ${b.memberCode}`);
    return lines.join('\n');
  },
  notMember: "You're not a member yet. Would you like to join? It takes less than a minute.",
  rewards: {
    membersOnly: 'Rewards are for club members. Would you like to join? It takes less than a minute.',
    list: (points, lines, canRedeem) =>
      [
        `You have ${formatPoints(points, 'en')} points. Here's what you can get:`,
        ...lines.map(rewardLine),
        canRedeem ? 'Tap a reward to redeem it.' : "Keep collecting — you'll get there soon!",
      ].join('\n'),
    empty: 'There are no rewards to redeem right now. Please check back soon!',
    button: (name, cost) => `${name} · ${formatPoints(cost, 'en')}`,
    unavailable: (note) => unavailable(note),
    confirm: (name, cost, left) => `Redeem “${name}” for ${formatPoints(cost, 'en')} points? You'll have ${formatPoints(left, 'en')} points left.`,
    declined: "OK, I haven't redeemed anything. Your points are untouched.",
    confirmExpired: "That was a while ago, so I haven't redeemed anything. Please pick the reward again:",
    resume: 'Now, about your reward:',
    issued: (v) =>
      [
        `Done! 🎉 Here is your voucher for ${v.name}:`,
        v.code,
        `Valid until ${formatDate(v.expiresAt, 'en')}. Show the code or the QR code at the till.`,
        `You have ${formatPoints(v.balance, 'en')} points left.`,
      ].join('\n'),
    qrAlt: (code) => `QR code of voucher ${code}`,
  },
  vouchers: {
    list: (items) =>
      ['Your vouchers:', ...items.map((v) => `• ${v.name} — ${v.code} (valid until ${formatDate(v.expiresAt, 'en')})`), 'Tap one to show its QR code.'].join('\n'),
    empty: 'You don\'t have any vouchers yet. Say "rewards" to see what you can get for your points.',
    qrButton: (code) => `QR · ${code}`,
    show: (v) => `${v.name}\n${v.code}\nValid until ${formatDate(v.expiresAt, 'en')}. Show this at the till.`,
    notUsable: (status) =>
      ({ redeemed: 'This voucher has already been used.', expired: 'This voucher has expired.', cancelled: 'This voucher was cancelled.' })[status],
    notFound: "I couldn't find that voucher.",
  },
  giftCard: {
    askCode: 'Please type the code on your gift card (16 letters and digits, like ABCD-EFGH-JKMN-PQRS).',
    invalidCode: "That doesn't look like a gift card code. It has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS.",
    balance: (g) => `Gift card ending in ${g.last4}: ${g.amount} left.${g.expiresAt ? ` Valid until ${formatDate(g.expiresAt, 'en')}.` : ''}`,
    notFound: "I couldn't find a gift card with that code. Please check it and try again.",
    expired: 'That gift card has expired.',
    blocked: 'That gift card is blocked. Please ask at any of our stores.',
    rateLimited: 'Too many codes were tried. For your security, please try again in an hour, or ask at any of our stores.',
    cancelled: 'OK, no problem.',
    resume: 'Now, back to your gift card:',
    afterSignUp: "Let's finish your sign-up first; then ask me about your gift card.",
  },
  history: {
    list: (items, balance, held) =>
      [
        ...(items.length > 0 ? ['Your latest points movements:', ...items.map(movementLine)] : []),
        `Balance now: ${formatPoints(balance, 'en')} points.`,
        ...(held.length > 0 ? ['On hold until the return period ends:', ...held.map((h) => `⏳ ${formatDate(h.at, 'en')} Purchase: +${formatPoints(h.points, 'en')} (from ${formatDate(h.releaseAt, 'en')})`)] : []),
      ].join('\n'),
    empty: 'No points movements yet. You earn points with every purchase when you give your member number or phone at the till.',
  },
  tiers: {
    overview: (lines, rolling) =>
      [
        'Our membership tiers:',
        ...lines.map(
          (l) =>
            `• ${l.name} — from ${formatPoints(l.minPoints, 'en')} points${l.bonusPercent > 0 ? `, +${l.bonusPercent}% points on every purchase` : ''}${l.current ? ' ← you are here' : ''}`,
        ),
        rolling ? 'Your tier is based on the points you earned in the last 12 months.' : 'Your tier is based on all the points you have ever earned.',
      ].join('\n'),
  },
  referral: {
    invite: (code, referrerPoints, refereePoints) =>
      `Invite your friends! 🎁 Ask them to send us "join ${code}" in this chat. When they make their first purchase, you get ${formatPoints(referrerPoints, 'en')} points and they get ${formatPoints(refereePoints, 'en')}.`,
    membersOnly: (refereePoints) =>
      `Inviting friends is for members. If a friend gave you their member number, say "join" followed by it, and you'll get ${formatPoints(refereePoints, 'en')} bonus points on your first purchase.`,
    applied: "🎁 Your friend's invitation is noted: you'll both get bonus points on your first purchase.",
  },
  stores: {
    hoursWords: /\b(hours?|open|opens|opening|close|closes|closing|time)\b/i,
    searchHint: 'opening hours stores',
    list: (items) => ['Our stores:', ...items.map((s) => `• ${s.name} — ${s.city}`)].join('\n'),
    none: "I don't have our store list yet. Please check our website or ask a person from our team.",
  },
  handoff: {
    assigned: "OK, I've asked a person from our team to join this chat. They'll answer here shortly.",
    queued: (n) => `OK, I've asked a person from our team to join this chat. You are number ${n} in the queue; they'll answer here as soon as they can.`,
    noneFree: (n, h) =>
      `OK, I've asked our team to join this chat. Nobody is free at this moment (they answer ${h.open}–${h.close}, ${h.zone}); you are number ${n} in the queue and a person will answer here as soon as one is free.`,
    offHours: (h) =>
      `OK, I've passed your request to our team. They answer in this chat from ${h.open} to ${h.close} (${h.zone}), so a person will reply ${h.next.day === 'today' ? `today from ${h.next.time}` : h.next.day === 'tomorrow' ? `tomorrow from ${h.next.time}` : `on ${h.next.weekday} from ${h.next.time}`}. You don't need to write again.`,
    alreadyQueued: (n) =>
      n === null ? "A person from our team has your conversation already; they'll answer here shortly." : `You're already in the queue (number ${n}); a person will answer here as soon as they can.`,
    misunderstood: "Sorry I couldn't help. Let me get a person from our team.",
    upset: "I'm sorry about this. 🙏 Let me get a person from our team.",
  },
  tickets: {
    intro: "I'm sorry to hear that. 🙏 Let me open a ticket so our team can look into it.",
    askCategory: 'What is it about?',
    category: { points: 'Points', voucher: 'Voucher or reward', product: 'A product', service: 'Service in store', delivery: 'Delivery', other: 'Something else' },
    pickCategory: 'Please pick one of the buttons.',
    askReference: "Which store was it, or what is the order or receipt number? Tap Skip if you don't have it.",
    askDescription: 'Please describe what happened in a few words.',
    invalidDescription: 'Could you tell me a little more (a sentence or two)?',
    cancelled: "OK, I haven't opened a ticket.",
    resume: 'Now, back to your ticket:',
    afterSignUp: "Let's finish your sign-up first; then tell me what went wrong and I'll open a ticket.",
    created: ({ id, dueBy, store }) =>
      `Thank you. Your ticket number is #${id}${store ? ` (${store})` : ''}. Our team will reply in this chat by ${dueBy}. Ask me "status of my ticket" any time.`,
    createdFromMessage: (id) => `I've recorded what you wrote as ticket #${id}.`,
    status: (items) => ['Your tickets:', ...items.map((t) => `• #${t.id} ${t.category} — ${TICKET_STATUS[t.status]} (opened ${formatDate(t.createdAt, 'en')})`)].join('\n'),
    none: "You have no open tickets. If something went wrong, tell me and I'll open one.",
    notFound: (id) => `I couldn't find ticket #${id} among yours.`,
  },
  csat: {
    question: 'How would you rate the help you got from our team? Tap 1 (poor) to 5 (excellent).',
    askComment: 'Thank you! Is there anything you would like to add? Write it here, or tap Skip.',
    thanks: 'Thank you for your feedback! 🙏',
    invalid: 'Please answer with a number from 1 to 5.',
    alreadyNoted: 'Thank you, your rating is already noted. 🙏',
  },
  nps: {
    question: 'How likely are you to recommend us to a friend? Tap a number from 0 (not at all likely) to 10 (extremely likely).',
    invalid: 'Please answer with a whole number from 0 to 10.',
    askReason: 'Thank you! What is the main reason for your score? Write it here, or tap Skip.',
    detractor: (id) => `Thank you for telling us, and we're sorry we let you down. 🙏 Our team will look into it (ticket #${id}) and get back to you in this chat.`,
    passive: 'Thank you for your feedback! 🙏',
    promoter: (url) => (url ? `Thank you, that means a lot! 🎉 Would you share it in a review? ${url}` : 'Thank you, that means a lot! 🎉'),
    late: 'Thank you! That survey has closed, so your answer was not recorded, but we appreciate it. 🙏',
    alreadyNoted: 'Thank you, your answer is already noted. 🙏',
  },
  link: {
    codeByWhatsApp: (code, minutes) => `Your code to link another chat app to your Loyalty Club account: ${code} (valid ${minutes} minutes). Send "link ${code}" in that app. If you did not ask for it, ignore this message.`,
    codeSentIfKnown: "If that number belongs to a member we can reach on WhatsApp, a code is on its way there. Send \"link\" and the code here.",
    badPhone: "That doesn't look like a phone number. Please include the country code, e.g. link +971 50 123 4567.",
    code: (code, minutes) => `Your link code is ${code}. On the other app where you chat with us, send: link ${code}\nIt works once, for ${minutes} minutes.`,
    linked: "Linked! This chat now shares your membership, points and vouchers.",
    invalid: "That code doesn't work: it may have expired or been used. Send \"link\" on the app where you're already a member to get a new one.",
    already: "This chat is already linked to that account.",
    conflict: "I couldn't link these accounts automatically: they have different verified phone numbers. Our team will check and get back to you.",
    rateLimited: "Too many codes were tried. For your security, please try again in an hour.",
  },
  npsThanks: (score) => (score === null ? 'Thank you for your feedback! 🙏' : `Thank you for your rating of ${score}! 🙏`),
  unsubscribe: {
    confirm: 'Do you want to stop receiving offers and news from us in this chat?',
    kept: 'OK, nothing changed.',
    resubscribed: "Done: you'll get our offers and news in this chat again. Send STOP any time to opt out.",
    done: "Done: you won't receive offers or news from us in this chat any more. You'll still get answers when you write to us. Send START to get them again.",
    notSubscribed: "You're not subscribed to offers in this chat, so you won't receive any.",
  },
  privacy: {
    confirmExport: 'Do you want to ask us for a copy of all the personal data we hold about you?',
    confirmDelete: 'Do you want to ask us to delete all your personal data? Your membership, points and vouchers would be lost.',
    notRequested: "OK, I haven't requested anything.",
    resume: 'Now, about your data request:',
    exportRequested:
      "I've recorded your request for a copy of your personal data. Our privacy team will send it to you within 30 days, after checking it's really you.",
    deleteRequested:
      "I've recorded your request to delete your personal data. Our privacy team will confirm with you and complete it within 30 days. Points and vouchers are lost when the account is deleted.",
  },
};

const TICKET_STATUS: Record<TicketStatusLine['status'], string> = { open: 'open', pending_customer: 'waiting for your reply', resolved: 'resolved', closed: 'closed' };

function movementLine(m: MovementText): string {
  const label = { earn: 'Purchase', redeem: 'Reward redeemed', adjust: 'Adjustment', expire: 'Expired', reverse: 'Refund', transfer_in: 'Transfer in', transfer_out: 'Transfer out', bonus: 'Bonus' }[m.kind];
  return `• ${formatDate(m.at, 'en')} ${label}: ${m.points > 0 ? '+' : ''}${formatPoints(m.points, 'en')}`;
}

function rewardLine(l: RewardLine): string {
  const note = l.note ? ` (${noteText(l.note)})` : l.left !== null ? ` (only ${formatPoints(l.left, 'en')} left)` : '';
  return `• ${l.name} — ${formatPoints(l.cost, 'en')} points${note}`;
}

function noteText(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `${formatPoints(note.missing, 'en')} more points needed`;
    case 'tier':
      return `${note.tierName} members and above`;
    case 'stock':
      return 'out of stock';
    case 'limit':
      return 'already redeemed';
    case 'unavailable':
      return 'not available';
  }
}

function unavailable(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `You need ${formatPoints(note.missing, 'en')} more points for this reward. Keep collecting!`;
    case 'tier':
      return `This reward is for ${note.tierName} members and above.`;
    case 'stock':
      return 'Sorry, this reward is out of stock.';
    case 'limit':
      return "You've already redeemed this reward as many times as it allows.";
    case 'unavailable':
      return "That reward isn't available any more.";
  }
}
