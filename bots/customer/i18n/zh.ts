import { formatDate, formatPoints, type Catalog, type MovementText, type RewardLine, type RewardNote, type TicketStatusLine } from './catalog.js';

const TICKET_STATUS: Record<TicketStatusLine['status'], string> = { open: '處理中', pending_customer: '等待您回覆', resolved: '已解決', closed: '已結案' };

/** Traditional Chinese (Taiwan / Hong Kong usage). */
export const zh: Catalog = {
  languageName: '中文（繁體）',
  greeting: (name) => `${name ? `${name}，` : ''}您好！👋 我是會員俱樂部小幫手，可以幫您加入會員、查詢點數等等。`,
  menuPrompt: '請問需要什麼服務？',
  skipWords: ['略過', '跳過', '不用', '以後再說', '先不要'],
  buttons: {
    join: '加入會員',
    balance: '我的點數',
    language: '語言',
    help: '說明',
    yes: '是',
    no: '否',
    accept: '我同意',
    decline: '不同意',
    skip: '略過',
    cancel: '取消',
    shareContact: '📱 分享我的電話',
    optIn: '好，請寄優惠給我',
    optOut: '不用了',
    rewards: '兌換獎勵',
    vouchers: '我的兌換券',
    giftCard: '禮物卡餘額',
    redeemYes: '確定兌換',
    redeemNo: '先不要',

    history: '點數紀錄',
    human: '找真人客服',
  },
  help: '我可以幫您：\n• 加入會員俱樂部 — 請說「加入會員」\n• 查詢點數、等級和即將到期的點數 — 請說「我的點數」\n• 查看點數可以兌換的獎勵並兌換 — 請說「獎勵」\n• 查看您的兌換券和 QR 碼 — 請說「我的兌換券」\n• 查詢禮物卡餘額 — 請說「禮物卡餘額」\n• 點數紀錄、會員等級與禮遇、邀請朋友、門市與營業時間\n• 商品與服務的問題 — 直接問我就好\n• 遇到問題？請說「投訴」，我幫您建立工單；說「我的工單」可查詢進度\n• 找真人客服 — 請說「真人客服」\n• 更改語言 — 請說「語言」\n隨時輸入「取消」即可停止目前的操作。',
  fromKnowledge: (answer, source) => `${answer}\n\n——出自「${source}」`,
  notInKnowledge: '我在我們的資料中找不到這個問題的答案。需要幫您轉接真人客服嗎？',
  fallback: '抱歉，我不太明白您的意思。我可以幫您：',
  fallbackOfferHuman: '抱歉，我還是不太明白。需要幫您轉接真人客服嗎？',
  tooLong: '您的訊息太長了，可以用一兩句話告訴我嗎？',
  media: '謝謝！我目前還看不懂照片、貼圖或語音訊息，可以請您用文字輸入嗎？',
  emojiOnly: '😊 今天有什麼可以為您服務的嗎？',
  somethingWentWrong: '抱歉，系統發生錯誤，請稍後再試一次。',
  thanks: '不客氣！還有什麼可以幫您的嗎？',
  goodbye: '再見，期待很快再見到您！👋',
  chooseLanguage: '請選擇您的語言：',
  languageSet: '好的，之後我會用中文和您對話。',
  enroll: {
    intro: '太好了，馬上幫您加入會員俱樂部！不到一分鐘就能完成。',
    askName: '請問您的全名是？',
    invalidName: '請用文字輸入您的姓名（最多 80 個字）。',
    askBirthday: '請問您的生日是？例如 1990-03-12 或 1990年3月12日。',
    birthdayError: (reason) =>
      ({
        unrecognized: '我看不懂這個日期，請用 1990-03-12 或 1990年3月12日 的格式輸入。',
        impossible: '這個日期不存在，請檢查日期和月份。',
        future: '這個日期還沒到，請輸入您的出生日期。',
        too_old: '這個年份似乎太早了，請檢查一下。',
        too_young: '抱歉，年滿 13 歲才能加入會員。',
      })[reason],
    askPhone: '請問您的手機號碼（含國碼）？您可以點按鈕分享、直接輸入，或選擇略過。',
    invalidPhone: '這看起來不是有效的手機號碼，請加上國碼，例如 +886 912 345 678，或點「略過」。',
    phoneFromContact: (phone) => `謝謝，已收到您的號碼 ${phone}。`,
    askTerms: (version) => `請問您同意會員俱樂部條款（第 ${version} 版）嗎？簡單來說：消費可累積點數，點數於取得後 12 個月到期，我們會保存您的資料以經營會員計畫。`,
    termsDeclined: '沒問題。加入會員需要同意條款，所以先到這裡。隨時說「加入會員」就能再加入。',
    askMarketing: '您願意在這個對話中收到我們的優惠與最新消息嗎？這是選填的，隨時傳送「退訂」即可停止。',
    answerYesNo: '請用按鈕回答，或回覆「是」或「否」。',
    earlierPurchases: (purchases, points) => `我們找到您用這個號碼的 ${purchases} 筆先前消費：已加入 ${formatPoints(points, 'zh')} 點。`,
    welcome: (name, code, tier) => `歡迎加入會員俱樂部，${name}！🎉 您的會員編號是 ${code}，目前等級為${tier}，點數 0 點。`,
    marketingConfirmed: (optedIn) => (optedIn ? '我們會在這裡寄送優惠給您，隨時傳送「退訂」即可取消。' : '我們不會寄送優惠給您，之後隨時可以更改。'),
    alreadyMember: (code) => `您已經是會員了（會員編號 ${code}）。以下是您的點數：`,
    cancelled: '好的，已取消加入會員，沒有儲存任何資料。',
    resume: '我們繼續完成加入會員：',
  },
  nothingToCancel: '目前沒有可以取消的操作。',
  balance: (b) => {
    const lines = [`您目前有 ${formatPoints(b.points, 'zh')} 點。`, `等級：${b.tierName}。`];
    if (b.pendingPoints > 0) lines.push(`另有 ${formatPoints(b.pendingPoints, 'zh')} 點待入帳，最近消費的退貨期結束後即可使用。`);
    if (b.next) lines.push(`再累積 ${formatPoints(b.next.pointsNeeded, 'zh')} 點即可升級為${b.next.tierName}。`);
    else lines.push('您已經是最高等級，感謝您的支持！');
    if (b.expiring) lines.push(`⏳ 有 ${formatPoints(b.expiring.points, 'zh')} 點將於 ${formatDate(b.expiring.date, 'zh')} 到期。`);
    lines.push(`會員編號：${b.memberCode}`);
    return lines.join('\n');
  },
  notMember: '您還不是會員喔。要加入嗎？不到一分鐘就能完成。',
  rewards: {
    membersOnly: '獎勵兌換限會員使用。要加入會員嗎？不到一分鐘就能完成。',
    list: (points, lines, canRedeem) =>
      [`您目前有 ${formatPoints(points, 'zh')} 點，可以兌換：`, ...lines.map(rewardLine), canRedeem ? '點選獎勵即可兌換。' : '繼續累積點數，很快就能兌換囉！'].join('\n'),
    empty: '目前沒有可兌換的獎勵，請稍後再來看看！',
    button: (name, cost) => `${name} · ${formatPoints(cost, 'zh')} 點`,
    unavailable: (note) => unavailable(note),
    confirm: (name, cost, left) => `確定要用 ${formatPoints(cost, 'zh')} 點兌換「${name}」嗎？兌換後剩 ${formatPoints(left, 'zh')} 點。`,
    declined: '好的，沒有兌換，您的點數不變。',
    confirmExpired: '已經過了一段時間，所以沒有兌換。請重新選擇獎勵：',
    resume: '回到剛才的兌換：',
    issued: (v) =>
      [
        `兌換成功！🎉 這是您的「${v.name}」兌換券：`,
        v.code,
        `有效期限至 ${formatDate(v.expiresAt, 'zh')}，結帳時出示代碼或 QR 碼即可使用。`,
        `您還有 ${formatPoints(v.balance, 'zh')} 點。`,
      ].join('\n'),
    qrAlt: (code) => `兌換券 ${code} 的 QR 碼`,
  },
  vouchers: {
    list: (items) => ['您的兌換券：', ...items.map((v) => `• ${v.name} — ${v.code}（有效期限至 ${formatDate(v.expiresAt, 'zh')}）`), '點選即可顯示 QR 碼。'].join('\n'),
    empty: '您目前沒有兌換券。說「獎勵」看看點數可以兌換什麼。',
    qrButton: (code) => `QR 碼 · ${code}`,
    show: (v) => `${v.name}\n${v.code}\n有效期限至 ${formatDate(v.expiresAt, 'zh')}，結帳時出示即可。`,
    notUsable: (status) => ({ redeemed: '這張兌換券已經使用過了。', expired: '這張兌換券已經過期了。', cancelled: '這張兌換券已被取消。' })[status],
    notFound: '找不到這張兌換券。',
  },
  giftCard: {
    askCode: '請輸入禮物卡上的代碼（16 位英文字母與數字，例如 ABCD-EFGH-JKMN-PQRS）。',
    invalidCode: '這看起來不是禮物卡代碼。代碼是 16 位英文字母與數字，例如 ABCD-EFGH-JKMN-PQRS。',
    balance: (g) => `末四碼 ${g.last4} 的禮物卡餘額為 ${g.amount}。${g.expiresAt ? `有效期限至 ${formatDate(g.expiresAt, 'zh')}。` : ''}`,
    notFound: '找不到這個代碼的禮物卡，請確認後再試一次。',
    expired: '這張禮物卡已經過期了。',
    blocked: '這張禮物卡已被停用，請洽任一門市。',
    rateLimited: '嘗試次數過多。為了您的安全，請一小時後再試，或洽任一門市。',
    cancelled: '好的，沒問題。',
    resume: '回到禮物卡查詢：',
    afterSignUp: '我們先完成加入會員，之後再幫您查詢禮物卡。',
  },
  history: {
    list: (items, balance, held) =>
      [
        ...(items.length > 0 ? ['您最近的點數紀錄：', ...items.map(movementLine)] : []),
        `目前點數：${formatPoints(balance, 'zh')} 點。`,
        ...(held.length > 0 ? ['退貨期結束前暫扣的點數：', ...held.map((h) => `⏳ ${formatDate(h.at, 'zh')} 消費：+${formatPoints(h.points, 'zh')}（${formatDate(h.releaseAt, 'zh')} 起可用）`)] : []),
      ].join('\n'),
    empty: '目前還沒有點數紀錄。結帳時出示會員號碼或手機號碼，每筆消費都能累積點數。',
  },
  tiers: {
    overview: (lines, rolling) =>
      [
        '會員等級：',
        ...lines.map(
          (l) => `• ${l.name} — ${formatPoints(l.minPoints, 'zh')} 點起${l.bonusPercent > 0 ? `，每筆消費點數加贈 ${l.bonusPercent}%` : ''}${l.current ? '（您目前的等級）' : ''}`,
        ),
        rolling ? '等級依您最近 12 個月累積的點數計算。' : '等級依您加入以來累積的所有點數計算。',
      ].join('\n'),
  },
  referral: {
    invite: (code, referrerPoints, refereePoints) =>
      `邀請朋友一起加入！🎁 請朋友在這個對話傳「加入會員 ${code}」給我們。朋友第一次消費後，您可獲得 ${formatPoints(referrerPoints, 'zh')} 點，朋友可獲得 ${formatPoints(refereePoints, 'zh')} 點。`,
    membersOnly: (refereePoints) =>
      `邀請朋友是會員專屬。如果朋友給了您他的會員號碼，請輸入「加入會員」加上號碼，第一次消費即可多得 ${formatPoints(refereePoints, 'zh')} 點。`,
    applied: '🎁 已記錄您朋友的邀請：您第一次消費後，你們兩位都會獲得加贈點數。',
  },
  stores: {
    hoursWords: /幾點|几点|時間|开门|開門|關門|营业|營業|打烊|幾時|開到/,
    searchHint: '營業時間 門市',
    list: (items) => ['我們的門市：', ...items.map((s) => `• ${s.name} — ${s.city}`)].join('\n'),
    none: '目前還沒有門市資料，請參考我們的網站或洽詢真人客服。',
  },
  handoff: {
    assigned: '好的，已經通知我們的客服人員加入對話，客服人員很快會在這裡回覆您。',
    queued: (n) => `好的，已經通知我們的客服人員加入對話。您目前排在第 ${n} 位，客服人員會盡快在這裡回覆您。`,
    noneFree: (n, h) => `好的，已通知我們的客服團隊。目前沒有客服人員有空（服務時間 ${h.open}–${h.close}，${h.zone}）；您排在第 ${n} 位，一有空檔客服人員就會在這裡回覆您。`,
    offHours: (h) =>
      `好的，已將您的需求轉給客服團隊。客服服務時間為 ${h.open} 至 ${h.close}（${h.zone}），客服人員會在${h.next.day === 'today' ? `今天 ${h.next.time} 起` : h.next.day === 'tomorrow' ? `明天 ${h.next.time} 起` : `${h.next.weekday} ${h.next.time} 起`}回覆您，不需要再次留言。`,
    alreadyQueued: (n) => (n === null ? '客服人員已在處理您的對話，很快會在這裡回覆您。' : `您已在排隊中（第 ${n} 位），客服人員會盡快在這裡回覆您。`),
    misunderstood: '抱歉沒能幫上忙，我幫您轉接真人客服。',
    upset: '非常抱歉造成您的不便。🙏 我幫您轉接真人客服。',
  },
  tickets: {
    intro: '很抱歉發生這樣的事。🙏 我幫您建立一張客服工單，讓我們的團隊處理。',
    askCategory: '請問是關於哪方面的問題？',
    category: { points: '點數', voucher: '兌換券或獎勵', product: '商品', service: '門市服務', delivery: '配送', other: '其他' },
    pickCategory: '請點選其中一個按鈕。',
    askReference: '請問是哪一家門市，或訂單／收據號碼是多少？沒有的話請點「略過」。',
    askDescription: '請簡單描述發生了什麼事。',
    invalidDescription: '可以再多告訴我一些細節嗎（一兩句話就好）？',
    cancelled: '好的，沒有建立工單。',
    resume: '我們繼續處理您的工單：',
    afterSignUp: '我們先完成加入會員的步驟，之後再告訴我發生了什麼事，我會幫您建立工單。',
    created: ({ id, dueBy, store }) => `謝謝您。您的工單編號是 #${id}${store ? `（${store}）` : ''}。我們的客服團隊會在 ${dueBy} 前在這裡回覆您。隨時可以問我「我的工單進度」。`,
    createdFromMessage: (id) => `我已將您的訊息記錄為工單 #${id}。`,
    status: (items) => ['您的工單：', ...items.map((t) => `• #${t.id} ${t.category} — ${TICKET_STATUS[t.status]}（${formatDate(t.createdAt, 'zh')} 建立）`)].join('\n'),
    none: '您目前沒有處理中的工單。如果遇到問題，告訴我，我幫您建立一張。',
    notFound: (id) => `在您的工單中找不到 #${id}。`,
  },
  csat: {
    question: '您對我們客服人員的協助滿意嗎？請從 1（很不滿意）到 5（非常滿意）選一個分數。',
    askComment: '謝謝您！還有什麼想補充的嗎？請直接輸入，或點「略過」。',
    thanks: '謝謝您的意見！🙏',
    invalid: '請回覆 1 到 5 之間的數字。',
    alreadyNoted: '謝謝您，我們已經收到您的評分了。🙏',
  },
  nps: {
    question: '您有多大可能會向朋友推薦我們？請從 0（完全不可能）到 10（非常可能）選一個分數。',
    invalid: '請回覆 0 到 10 之間的整數。',
    askReason: '謝謝您！請問給這個分數的主要原因是什麼？請直接輸入，或點「略過」。',
    detractor: (id) => `謝謝您告訴我們，很抱歉讓您失望了。🙏 我們的團隊會跟進處理（工單 #${id}），並在這裡回覆您。`,
    passive: '謝謝您的意見！🙏',
    promoter: (url) => (url ? `謝謝您的肯定！🎉 願意幫我們留下評論嗎？${url}` : '謝謝您的肯定！🎉'),
    late: '謝謝您！這份問卷已經截止，所以沒有記錄您的回覆，但我們很感謝您的意見。🙏',
    alreadyNoted: '謝謝您，我們已經收到您的回覆了。🙏',
  },
  link: {
    codeByWhatsApp: (code, minutes) => `您用來綁定其他聊天 App 與會員帳號的驗證碼：${code}（${minutes} 分鐘內有效）。請在該 App 傳送「綁定 ${code}」。如果不是您本人申請，請忽略此訊息。`,
    codeSentIfKnown: '如果這個號碼屬於我們能在 WhatsApp 聯絡的會員，驗證碼已傳送過去。請在這裡傳送「綁定」加上驗證碼。',
    badPhone: '這看起來不像電話號碼。請加上國碼，例如：綁定 +886 912 345 678。',
    code: (code, minutes) => `您的綁定碼是 ${code}。請在您和我們聊天的另一個 App 傳送：綁定 ${code}\n此碼僅能使用一次，${minutes} 分鐘內有效。`,
    linked: '綁定完成！這個對話現在共用您的會員資格、點數和兌換券。',
    invalid: '這個綁定碼無效：可能已過期或已使用。請在您已是會員的 App 傳送「綁定」取得新的綁定碼。',
    already: '這個對話已經綁定到該帳號。',
    conflict: '兩個帳號的驗證手機號碼不同，無法自動綁定。我們的團隊會確認後再與您聯絡。',
    rateLimited: '嘗試次數過多。為了您的安全，請一小時後再試。',
  },
  npsThanks: (score) => (score === null ? '謝謝您的意見！🙏' : `謝謝您給我們 ${score} 分！🙏`),
  unsubscribe: {
    confirm: '您要停止在這個對話接收我們的優惠和消息嗎？',
    kept: '好的，沒有任何變更。',
    resubscribed: '已為您恢復訂閱：之後會在這個對話傳送優惠和消息給您。隨時傳送「退訂」即可取消。',
    done: '已為您取消訂閱：之後不會再在這個對話傳送優惠或消息給您。您傳訊息給我們時，我們仍會回覆。傳送「訂閱」即可重新訂閱。',
    notSubscribed: '您沒有在這個對話訂閱優惠，所以不會收到優惠訊息。',
  },
  privacy: {
    confirmExport: '您要申請取得我們保存的您所有個人資料的副本嗎？',
    confirmDelete: '您要申請刪除您所有的個人資料嗎？會員資格、點數和兌換券都將無法保留。',
    notRequested: '好的，沒有為您提出任何申請。',
    resume: '回到您的個資申請：',
    exportRequested: '已記錄您索取個人資料副本的申請。隱私團隊確認是您本人後，會在 30 天內提供給您。',
    deleteRequested: '已記錄您刪除個人資料的申請。隱私團隊會與您確認，並在 30 天內完成。刪除帳號後，點數與兌換券將無法保留。',
  },
};

function movementLine(m: MovementText): string {
  const label = { earn: '消費', redeem: '兌換獎勵', adjust: '調整', expire: '到期', reverse: '退貨', transfer_in: '轉入', transfer_out: '轉出', bonus: '加贈' }[m.kind];
  return `• ${formatDate(m.at, 'zh')} ${label}：${m.points > 0 ? '+' : ''}${formatPoints(m.points, 'zh')}`;
}

function rewardLine(l: RewardLine): string {
  const note = l.note ? `（${noteText(l.note)}）` : l.left !== null ? `（僅剩 ${formatPoints(l.left, 'zh')} 份）` : '';
  return `• ${l.name} — ${formatPoints(l.cost, 'zh')} 點${note}`;
}

function noteText(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `還差 ${formatPoints(note.missing, 'zh')} 點`;
    case 'tier':
      return `限${note.tierName}以上會員`;
    case 'stock':
      return '已兌換完畢';
    case 'limit':
      return '您已兌換過';
    case 'unavailable':
      return '暫不提供';
  }
}

function unavailable(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `兌換這個獎勵還差 ${formatPoints(note.missing, 'zh')} 點，繼續加油！`;
    case 'tier':
      return `這個獎勵限${note.tierName}以上會員兌換。`;
    case 'stock':
      return '抱歉，這個獎勵已經兌換完畢。';
    case 'limit':
      return '您兌換這個獎勵的次數已達上限。';
    case 'unavailable':
      return '這個獎勵已經無法兌換了。';
  }
}
