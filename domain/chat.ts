import { join } from './join.ts';
import { leave } from './leave.ts';
import { ActionRouter } from './router.ts';
import { sendMessage } from './send-message.ts';
import { whoami } from './whoami.ts';

/** The chat app's actions, as clients name them in `{"action": …}`. */
export const chatRouter = new ActionRouter({ sendmessage: sendMessage, join, leave, whoami });

export { connect } from './connect.ts';
export { disconnect } from './disconnect.ts';
