import type { Catalog, ConfirmSummary } from './catalog.js';

const confirmLine = (s: ConfirmSummary): string => {
  switch (s.kind) {
    case 'add':
      return `為 ${s.customer}（會員 ${s.memberCode}）增加 ${s.points} 點：餘額 ${s.before} → ${s.after}。\n原因：${s.reason}`;
    case 'deduct':
      return `從 ${s.customer}（會員 ${s.memberCode}）扣除 ${s.points} 點：餘額 ${s.before} → ${s.after}。\n原因：${s.reason}`;
    case 'tier':
      return `將 ${s.customer}（會員 ${s.memberCode}）的等級設為 ${s.to}（目前為 ${s.from}）；之後的等級審核不會低於此等級。`;
  }
};

/** Traditional Chinese. */
export const zh: Catalog = {
  roleName: {
    admin: 'CRM 管理員',
    marketing_manager: '行銷經理',
    store_manager: '門市經理',
    customer_service: '客服人員',
    data_analyst: '數據分析師',
    franchise_owner: '加盟主',
  },
  pong: 'pong — 此團隊工作區已連接機器人。',
  joinUsage: '請傳送 /join 加上您的邀請碼，例如 /join K7Q2M-X9ABD。',
  codeNotValid: '此邀請碼無效。請向 CRM 管理員索取新的邀請碼。',
  welcome: (name, role, stores) => `歡迎加入團隊，${name}。您的角色：${role}。${stores ? `\n您的門市：${stores}。` : ''}\n在團隊聊天中輸入 /help 查看可用指令。`,
  alreadyStaff: (name, role) => `您已是團隊成員，${name}（${role}）。`,
  helpTitle: (name, role) => `${name} · ${role}。您的指令：`,
  help: {
    customer: '/customer <電話 | 會員編號 | 姓名> — 顧客資料卡',
    points: '/points add|deduct <顧客> <點數> <原因> — 調整點數（需確認）',
    tier: '/tier set <顧客> <等級> [原因] — 設定等級（需確認）',
    segment_view: '/segment list · /segment show 名稱 — 人數、樣本、等級與門市分布',
    segment_new: '/segment new 名稱 <條件式> — 儲存分群',
    segment_export: '/segment export 名稱 — 會員 CSV 檔',
    campaign_view: '/campaign list · /campaign show ID · /campaign stats ID',
    campaign_build:
      '/campaign new 名稱 · variant ID A en|ar|zh 文字 · audience ID 分群 · channel ID preferred|telegram|line|whatsapp|wechat|webchat · schedule ID <時間|now> · holdout ID 百分比 · template ID 名稱 · test ID · submit ID',
    campaign_approve: '/campaign approve ID — 核准他人建立的活動',
    campaign_send: '/campaign send|pause|resume|cancel ID',
    stats: '/stats [today|7d|30d|month|2026-10|ytd] [門市] — 數據與圖表',
    confirm: '/confirm · /cancel — 等待您確認的變更',
    lang: '/lang en|ar|zh — 回覆語言',
    ping: '/ping — 檢查工作區連線',
  },
  agentHelpNote: '客服專員：/queue、/take、/done、/resolve、/note、/canned、/duty（見轉接提醒）。',
  unknownCommand: (c) => `我不認識 /${c}。輸入 /help 查看您的指令。`,
  deniedRole: (c, role) => `${role}無法使用 /${c}。`,
  deniedNoStores: '您尚未被指派任何門市，因此沒有可顯示的內容。請聯絡 CRM 管理員。',
  failed: '系統發生錯誤，未做任何變更。請稍後再試。',
  langUsage: '用法：/lang en、/lang ar 或 /lang zh。',
  langSet: '我會以繁體中文回覆您。',
  customerUsage: '用法：/customer <電話 | 會員編號 | 姓名>，例如 /customer 0501234567。',
  customerBadQuery: '這不是可搜尋的電話、會員編號或姓名（至少 2 個字元）。',
  customerNotFound: '找不到顧客。',
  customerMany: (lines, more) => `有多位顧客符合：\n${lines.join('\n')}${more ? '\n…還有更多：請輸入更精確的條件。' : ''}\n請用 /customer <會員編號> 查看其中一位。`,
  customerCard: (c) =>
    [
      `👤 ${c.name}${c.memberCode ? ` · 會員 ${c.memberCode}` : ' · 非會員'}`,
      ...(c.tier ? [`等級：${c.tier} · 餘額：${c.balance} 點${c.pending ? `（+${c.pending} 待入帳）` : ''}`] : []),
      ...(c.lifetimeSpend ? [`累計消費：${c.lifetimeSpend} · ${c.visits} 筆消費`] : []),
      c.purchases.length ? `最近消費：\n${c.purchases.map((p) => `  ${p.date} · ${p.store} · ${p.amount}`).join('\n')}` : '最近消費：無',
      `管道：${c.channels.map((ch) => `${ch.channel} ${ch.reachable ? '✓' : '✗ 無法聯繫'}`).join('、') || '無'}`,
      `行銷同意：${c.consents.map((x) => `${x.channel} ${x.granted ? '是' : '否'}`).join('、') || '未記錄'}`,
      c.openTickets.length ? `未結工單：${c.openTickets.map((t) => `#${t.id} ${t.category}（${t.status}）`).join('、')}` : '未結工單：無',
    ].join('\n'),
  notMember: (name) => `${name} 不是會員。`,
  pointsUsage: '用法：/points add|deduct <顧客> <點數> <原因>，例如 /points add 1234567897 500 延遲出貨補償。含空格的姓名請加 "引號"。',
  pointsBadNumber: '點數必須是 1 到 1,000,000 的整數。',
  pointsReasonRequired: '請說明原因：/points add|deduct <顧客> <點數> <原因>。',
  pointsInsufficient: (name, balance, points) => `${name} 只有 ${balance} 點：無法扣除 ${points} 點。`,
  tierUsage: '用法：/tier set <顧客> <等級> [原因]，例如 /tier set 1234567897 gold。',
  tierUnknown: (tier, known) => `沒有「${tier}」這個等級。等級：${known}。`,
  tierAlready: (name, tier) => `${name} 的保底等級已是 ${tier}。`,
  confirmQuestion: (s) => `${confirmLine(s)}\n請在 10 分鐘內回覆 /confirm 執行，或 /cancel 取消。`,
  confirmNothing: '沒有等待您確認的變更（請求在 10 分鐘後失效）。',
  pointsDone: (code, points, balance, added) => `完成：已為會員 ${code} ${added ? '增加' : '扣除'} ${points} 點。新餘額：${balance}。`,
  tierDone: (code, floor, tier) => `完成：會員 ${code} 的保底等級為 ${floor}，目前等級為 ${tier}。`,
  cancelled: '已取消，未做任何變更。',
  segment: {
    usage: '用法：/segment new 名稱 <條件式> · /segment show 名稱 · /segment list · /segment export 名稱',
    newUsage: '用法：/segment new 名稱 <條件式>，例如 /segment new lapsed-gold tier = gold and days_since_last_purchase > 60',
    saved: (name, created, count) => `分群 ${name} 已${created ? '儲存' : '更新'}：目前 ${count} 位會員。`,
    invalid: (message, caret) => `條件式有誤：${message}\n${caret}`,
    badName: (message) => `無法使用此名稱：${message}。`,
    notFound: (name) => `沒有「${name}」分群。/segment list 可列出您的分群。`,
    list: (lines) => `分群：\n${lines.join('\n')}`,
    listEmpty: '尚無分群。用 /segment new 名稱 <條件式> 建立。',
    show: (x) =>
      [
        `分群 ${x.name}：${x.count} 位會員`,
        `條件：${x.expression}`,
        x.byTier.length ? `依等級：${x.byTier.map((t) => `${t.tier} ${t.count}`).join(' · ')}` : '',
        x.byStore.length ? `依常去門市：${x.byStore.map((b) => `${b.store ?? '尚無'} ${b.count}`).join(' · ')}` : '',
        x.sample.length ? `樣本：\n${x.sample.map((m) => `  ${m.memberCode} ${m.name} · ${m.tier} · ${m.points} 點${m.lastPurchase ? ` · 最近 ${m.lastPurchase}` : ''}${m.store ? ` · ${m.store}` : ''}`).join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    exported: (name, rows) => `分群 ${name}：共 ${rows} 位會員，見附件 CSV 檔。`,
  },
  campaign: {
    usage:
      '用法：/campaign new 名稱 · variant ID A en|ar|zh 文字 · audience ID 分群 · channel ID 管道 · schedule ID <時間|now> · holdout ID 百分比 · template ID 名稱 · show ID · list · test ID · submit ID · approve ID · send ID · pause ID · resume ID · cancel ID · stats ID',
    status: { draft: '草稿', pending_approval: '待核准', approved: '已核准', scheduled: '已排程', sending: '發送中', paused: '已暫停', completed: '已完成', cancelled: '已取消' },
    subUsage: {
      new: '用法：/campaign new 名稱',
      variant: '用法：/campaign variant ID A en|ar|zh 文字 — 變數：{first_name} {name} {points} {tier} {member_code}',
      audience: '用法：/campaign audience ID 分群',
      channel: '用法：/campaign channel ID preferred|telegram|line|whatsapp|wechat|webchat',
      schedule: '用法：/campaign schedule ID 2026-12-01 09:00（品牌時區）、含時區的 ISO 時間，或 now',
      holdout: '用法：/campaign holdout ID 百分比（0–50）',
      template: '用法：/campaign template ID WhatsApp範本名稱（或 none）',
      id: '請提供活動編號，例如 /campaign show 12。',
    },
    created: (id, name) => `活動 #${id}「${name}」已建立為草稿。下一步：/campaign variant ${id} A zh …、/campaign audience ${id} 分群。`,
    badName: (m) => `無法使用此名稱：${m}。`,
    notFound: (id) => `沒有活動 ${id}。`,
    wrongStatus: (id, status) => `活動 #${id} 目前為「${status}」：現在無法執行此操作。`,
    updated: (id, what) => `活動 #${id}：${what}。`,
    what: {
      variant: (key, language) => `已儲存版本 ${key}（${language}）`,
      audience: (segment) => `受眾為分群 ${segment}`,
      channel: (channel) => `管道為 ${channel}`,
      schedule: (at) => (at ? `排程於 ${at}` : '下達發送指令後立即發送'),
      holdout: (percent) => `對照組 ${percent}%`,
      template: (name) => `WhatsApp 範本 ${name}`,
    },
    badKey: '版本名稱是一個字母，A 到 Z。',
    badLanguage: (l) => `「${l}」不是機器人支援的語言：請用 en、ar 或 zh。`,
    emptyText: '訊息內容是空的。',
    textTooLong: (max) => `訊息超過 ${max} 個字元。`,
    unknownVariable: (v, known) => `未知的變數 {${v}}。可用：${known}。`,
    badWeight: '權重是 1 到 100 的整數。',
    unknownSegment: (name) => `沒有「${name}」分群。/segment list 可列出您的分群。`,
    badExpression: (m) => `分群條件式有誤：${m}。`,
    badChannel: (ch, known) => `「${ch}」不是活動管道。管道：${known}。`,
    badTime: '無法讀取此時間。請寫 2026-12-01 09:00（品牌時區）、含時區的 ISO 時間，或 now。',
    inThePast: '此時間已過。',
    badPercent: '對照組是 0 到 50 的整數百分比。',
    badTemplate: '這不是有效的 WhatsApp 範本名稱（小寫字母、數字與 _）。',
    show: (c) =>
      [
        `活動 #${c.id}「${c.name}」· ${c.status}`,
        `受眾：${c.audience ?? '未設定'} · 管道：${c.channel} · 對照組：${c.holdout}`,
        `排程：${c.schedule ?? '發送時'}${c.template ? ` · WhatsApp 範本：${c.template}` : ''}`,
        ...(c.pausedBecause ? [`已暫停：${c.pausedBecause} 的權限已被撤銷；管理員可恢復。`] : []),
        ...(c.variants.length ? c.variants.flatMap((v) => [`版本 ${v.key}（權重 ${v.weight}）：`, ...v.texts.map((t) => `  ${t.language}：${t.text}`)]) : ['尚無版本。']),
      ].join('\n'),
    list: (lines) => `活動：\n${lines.join('\n')}`,
    listEmpty: '尚無活動。用 /campaign new 名稱 建立。',
    noPusher: '測試訊息會傳到您在 Telegram 或 LINE 與機器人的私人聊天；請在那裡的團隊聊天輸入此指令。',
    noVariants: '此活動尚無訊息：/campaign variant ID A zh 文字。',
    testSent: (lines) => `測試訊息已傳到您的私人聊天：\n${lines.join('\n')}`,
    testResult: (variant, language, result, code) =>
      `  ${variant}（${language}）：${result === 'sent' ? '已傳送' : result === 'window_closed' ? '未傳送 — 平台目前不允許傳訊' : `失敗（${code ?? '未知'}）；請先與機器人開啟私人聊天`}`,
    requested: (id, audience, eligible) => `活動 #${id} 等待核准：受眾 ${audience} 位，其中 ${eligible} 位目前可接收。請由您以外的管理員或行銷經理以 /campaign approve ${id} 核准。`,
    incomplete: (missing) => `尚未可送審；缺少：${missing}。`,
    noEligible: (audience) => `沒有人可以接收：受眾 ${audience} 位中，沒有人在可聯繫的管道上同意接收行銷訊息。`,
    approvalRequest: (id, name, by, eligible) => `📣 ${by} 請求核准活動 #${id}「${name}」（${eligible} 位收件者）。/campaign show ${id} · /campaign approve ${id}`,
    approved: (id) => `活動 #${id} 已核准。用 /campaign send ${id} 發送。`,
    selfApproval: '此活動由您建立：必須由其他人核准。',
    started: (id) => `活動 #${id} 發送中；進度會回報在這裡。/campaign stats ${id} 查看數據。`,
    scheduled: (id, at) => `活動 #${id} 將於 ${at} 發送。`,
    paused: (id) => `活動 #${id} 已暫停。/campaign resume ${id} 可繼續。`,
    resumed: (id) => `活動 #${id} 已恢復。`,
    cancelled: (id) => `活動 #${id} 已取消；不會再發送。`,
    adminRequired: '因人員權限被撤銷而暫停的活動，只有 CRM 管理員可以恢復。',
    stats: (x) =>
      [
        `活動 #${x.id} · ${x.status} · ${x.total} 位收件者`,
        ...x.variants.map(
          (v) =>
            `${v.key}：已發送 ${v.sent}/${v.recipients} · 已送達 ${v.delivered} · 已讀 ${v.read} · 點擊 ${v.clicked} · 轉換 ${v.converted}（${v.conversion}）· 營收 ${v.revenue}${v.incremental ? ` · 增量營收 ${v.incremental}` : ''}${v.pValue ? ` · p=${v.pValue}` : ''}`,
        ),
        `待發送 ${x.pending} · 延後（靜音時段）${x.held} · 失敗 ${x.failed}`,
        ...(x.skipped.length ? [`略過：${x.skipped.map((k) => `${k.reason} ${k.count}`).join('、')}`] : []),
        ...(x.incremental ? [`相對對照組的增量營收：${x.incremental}${x.pValue ? `（p=${x.pValue}）` : ''}`] : []),
      ].join('\n'),
  },
  stats: {
    usage: '用法：/stats [today|7d|30d|month|2026-10|ytd] [門市代碼或名稱]',
    badPeriod: (t) => `「${t}」不是期間：請用 today、7d、30d、month、ytd 或月份如 2026-10。`,
    unknownStore: (t) => `您的門市中沒有「${t}」。`,
    periodName: (key, month) => ({ today: '今天', '7d': '最近 7 天', '30d': '最近 30 天', month: '本月', ytd: '今年至今', month_of: month ?? '' })[key],
    report: (x) =>
      [
        `📊 ${x.period}${x.scope ? ` · ${x.scope}` : ''}`,
        `會員：${x.members} · 新會員 ${x.newMembers} · 活躍 ${x.activeMembers}`,
        `發放點數 ${x.pointsIssued} · 兌換 ${x.pointsRedeemed} · 兌換率 ${x.redemptionRate ?? '—'}`,
        `未兌換點數（負債）：${x.outstanding}`,
        `NPS：${x.nps ?? '—'}（${x.npsResponses} 份回覆）`,
        `未結工單：${x.openTickets} · SLA 逾時：${x.slaBreaches}`,
        `銷售：${x.transactions} 筆交易 · ${x.revenue}`,
      ].join('\n'),
  },
};
