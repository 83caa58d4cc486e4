import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const USAGE = `usage: npm run client -- ws://127.0.0.1:3001/?room=lobby&name=Ann

Type a line to send it to the current room. Commands:
  /join ROOM    join a room and make it current      /leave ROOM   leave a room
  /room ROOM    send to ROOM from now on              /whoami       your id, name and rooms
  /raw JSON     send a frame exactly as typed         /quit         close the connection
Frames from the server are printed one per line as they arrive.`;

/** After the input ended, how long without any frame before closing although a sent frame had no answer. */
const QUIET_MS = 5_000;

/** Turns one typed line into the frame to send, or a local command. Exported for tests. */
export function frameFor(
  line: string,
  state: { room: string },
): { send: string } | { quit: true } | { error: string } | { none: true } {
  const text = line.trim();
  if (text === '') return { none: true };
  const [command, ...rest] = text.split(/\s+/);
  const arg = rest.join(' ');
  switch (command) {
    case '/quit':
      return { quit: true };
    case '/whoami':
      return { send: JSON.stringify({ action: 'whoami' }) };
    case '/join':
    case '/leave':
      if (!arg) return { error: `${command} needs a room name` };
      if (command === '/join') state.room = arg;
      return { send: JSON.stringify({ action: command.slice(1), room: arg }) };
    case '/room':
      if (!arg) return { error: '/room needs a room name' };
      state.room = arg;
      return { none: true };
    case '/raw':
      return { send: arg };
    default:
      return { send: JSON.stringify({ action: 'sendmessage', room: state.room, data: text }) };
  }
}

function main(argv: string[]): void {
  const url = argv[0];
  if (!url || url === '--help' || url === '-h' || !/^wss?:\/\//.test(url)) {
    console.error(USAGE);
    process.exit(url ? 0 : 2);
  }
  const state = { room: new URL(url).searchParams.get('room') || 'lobby' };
  const socket = new WebSocket(url);

  socket.on('error', (error) => console.error(`! ${error.message}`));
  socket.on('unexpected-response', (_request, response) => {
    console.error(`! handshake refused: HTTP ${response.statusCode}`);
    process.exit(1);
  });
  // At the end of input (a pipe, Ctrl-D) it closes once every frame it sent has had its answer, so piped replies are
  // never cut off: the chat protocol answers every frame to its sender. A frame nothing answers (raw JSON to a route
  // that replies to no one) would wait forever, so a quiet spell of QUIET_MS without any frame closes too.
  let sent = 0;
  let received = 0;
  let inputEnded = false;
  let quiet: NodeJS.Timeout | undefined;
  const closeWhenAnswered = () => {
    if (!inputEnded || socket.readyState !== WebSocket.OPEN) return;
    clearTimeout(quiet);
    if (received >= sent) socket.close(1000);
    else quiet = setTimeout(() => socket.close(1000), QUIET_MS);
  };
  socket.on('message', (data) => {
    received += 1;
    console.log(data.toString());
    closeWhenAnswered();
  });
  let opened = false;
  socket.on('close', (code, reason) => {
    // Never connected (refused port, DNS, TLS): a failure, so scripts and CI can tell.
    if (!opened) process.exit(1);
    console.log(`* closed ${code}${reason.length ? ` ${reason}` : ''}`);
    process.exit(0);
  });
  // Read input only once connected, so piped lines are not lost to the handshake.
  socket.on('open', () => {
    opened = true;
    console.log(`* connected to ${url} (room ${state.room})`);
    const input = createInterface({ input: process.stdin });
    input.on('line', (line) => {
      const action = frameFor(line, state);
      if ('quit' in action) socket.close(1000);
      else if ('error' in action) console.error(`! ${action.error}`);
      else if ('send' in action) {
        sent += 1;
        socket.send(action.send);
      }
    });
    input.on('close', () => {
      inputEnded = true;
      closeWhenAnswered();
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
