/** Entry point of `dist/server.js`: `node dist/server.js --stdio` (or `--node-ipc`, `--socket=N`). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { workerHasher } from '../node/hashWorker';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);

// A bug in one request must not take the server down: log it and carry on.
process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));

// Corpus files hashed on a second thread at each load (see hashWorker.ts).
startServer(connection, { hasher: workerHasher });
