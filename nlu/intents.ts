// The closed set of intents lives in code, not only in the YAML, so that adding one is a
// type change every bot's exhaustive `switch` has to answer.

/** The intents the classifier is trained on, in the order the bots' menus think of them. */
export const INTENTS = [
  'greeting',
  'help',
  'enroll',
  'balance',
  'rewards',
  'my_vouchers',
  'gift_card_balance',
  'points_history',
  'redeem',
  'tier_info',
  'referral',
  'store_info',
  'support',
  'human',
  'nps_answer',
  'unsubscribe',
  'data_export',
  'data_delete',
  'language',
  'cancel',
  'thanks',
  'goodbye',
  'affirm',
  'deny',
] as const;

/** One trained intent. */
export type Intent = (typeof INTENTS)[number];

/** What the NLU returns: a trained intent, or `'none'` when it is not confident enough. */
export type NluIntent = Intent | 'none';

/** Training label for messages outside every intent; the NLU reports it as `'none'`. */
export const OUT_OF_SCOPE_LABEL = 'out_of_scope';

/** A label in the training files: an intent, or the out-of-scope class. */
export type TrainingLabel = Intent | typeof OUT_OF_SCOPE_LABEL;

/** Every label the training files may use. */
export const TRAINING_LABELS: readonly TrainingLabel[] = [...INTENTS, OUT_OF_SCOPE_LABEL];
