/**
 * A minimal LSP client for protocol tests: starts the bundled server over stdio
 * and speaks JSON-RPC through vscode-jsonrpc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string; severity: number }>;
}

export class TestClient {
  readonly published = new Map<string, PublishedDiagnostics>();
  private listeners: Array<() => void> = [];
  readonly logs: string[] = [];
  /** Diagnostics publications and work-done progress, in the order they came. */
  readonly events: Array<{ kind: string; uri?: string; diagnostics?: unknown[] }> = [];
  /** `$/progress` values received (work-done progress: begin, report, end). */
  readonly progress: Array<{ kind: string; title?: string }> = [];
  /**
   * Every request the server sent to this client, in order. A `workspace/applyEdit` is
   * recorded and refused (`applied: false`); any method without a handler below is
   * recorded and answered MethodNotFound.
   */
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];
  /** The server's answer to `initialize` (its capabilities). */
  initializeResult: { capabilities: Record<string, unknown> } = { capabilities: {} };
  private versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
    readonly root: string,
  ) {}

  /**
   * `settings`: what the client answers for the `policyNotes` configuration section
   * (as VS Code's client would, `userLevelPaths` included).
   */
  static async start(
    files: Record<string, string>,
    options: { pull?: boolean; settings?: Record<string, unknown>; initializationOptions?: Record<string, unknown>; root?: string } = {},
  ): Promise<TestClient> {
    const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-lsp-'));
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection, root);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => {
      client.events.push({ kind: 'diagnostics', uri: params.uri, diagnostics: params.diagnostics });
      client.published.set(params.uri, params);
      client.notify();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => void client.logs.push(params.message));
    connection.onNotification('window/showMessage', (params: { message: string }) => void client.logs.push(params.message));
    connection.onNotification('policyNotes/statsChanged', () => {
      client.events.push({ kind: 'stats' });
      client.notify();
    });
    const answer = <P>(method: string, handler: (params: P) => unknown) =>
      connection.onRequest(method, (params: P) => {
        client.serverRequests.push({ method, params });
        return handler(params);
      });
    answer('window/workDoneProgress/create', () => null);
    answer('client/registerCapability', () => null);
    answer('window/showMessageRequest', (params: { message: string }) => {
      client.logs.push(params.message);
      client.notify();
      return null;
    });
    answer('workspace/configuration', (params: { items: Array<{ section?: string }> }) => params.items.map((item) => (item.section === 'policyNotes' ? (options.settings ?? {}) : {})));
    answer('workspace/diagnostic/refresh', () => {
      client.notify();
      return null;
    });
    connection.onRequest((method: string, params: unknown) => {
      client.serverRequests.push({ method, params });
      if (method === 'workspace/applyEdit') {
        return { applied: false, failureReason: 'the test client applies no edit' };
      }
      return new ResponseError(ErrorCodes.MethodNotFound, `the test client does not handle ${method}`);
    });
    connection.onNotification('$/progress', (params: { value: { kind: string; title?: string } }) => {
      client.events.push({ kind: `progress ${params.value.kind}` });
      client.progress.push(params.value);
      client.notify();
    });
    connection.listen();
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: client.uri(''),
      workspaceFolders: [{ uri: client.uri(''), name: 'test' }],
      initializationOptions: options.initializationOptions,
      capabilities: {
        // applyEdit and workspaceEdit as VS Code declares them: the server could send workspace/applyEdit (and must not).
        workspace: {
          configuration: true,
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
          ...(options.pull ? { diagnostics: { refreshSupport: true } } : {}),
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          completion: { completionItem: { snippetSupport: false } },
          ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
        },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(rel: string): string {
    return URI.file(rel === '' ? this.root : path.join(this.root, rel)).toString();
  }

  private notify(): void {
    for (const listener of this.listeners.splice(0)) {
      listener();
    }
  }

  /** Waits until `predicate` holds (re-checked at each notification), or fails after `ms`. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, ms = 10000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  diagnosticsOf(rel: string): PublishedDiagnostics | undefined {
    return this.published.get(this.uri(rel));
  }

  async open(rel: string, text?: string): Promise<void> {
    const content = text ?? fs.readFileSync(path.join(this.root, rel), 'utf8');
    this.versions.set(rel, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(rel), languageId: 'pnote', version: 1, text: content } });
  }

  async change(rel: string, text: string): Promise<number> {
    const version = (this.versions.get(rel) ?? 0) + 1;
    this.versions.set(rel, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(rel), version }, contentChanges: [{ text }] });
    return version;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  at(rel: string, line: number, character: number) {
    return { textDocument: { uri: this.uri(rel) }, position: { line, character } };
  }

  /** Shuts the server down; `keepFiles`: leave the workspace folder (for another start on it). */
  async stop(keepFiles = false): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.process.kill();
    if (!keepFiles) {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
  }
}
