/**
 * The VS Code side: starts the language server, and adds the commands, the status
 * bar item and the Workspace Trust handling. All language knowledge is in the server.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { isUserLevel } from './userLevel';
import { CheckWorkspaceRequest, StatsChangedNotification, StatsRequest, type InitializationOptions, type PolicyNotesSettings, type StatsResult } from '../../server/src/lsp/protocol';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;

function totals(stats: StatsResult) {
  const sum = { notes: 0, sources: 0, entities: 0, events: 0, citations: 0, quotations: 0, errors: 0, warnings: 0, information: 0, hints: 0 };
  for (const folder of stats.folders) {
    for (const key of Object.keys(sum) as Array<keyof typeof sum>) {
      sum[key] += folder[key];
    }
  }
  return sum;
}

function showStatus(stats: StatsResult): void {
  if (!statusItem) {
    return;
  }
  const t = totals(stats);
  statusItem.text = `$(notebook) ${t.notes} notes · ${t.sources} sources · ${t.entities}/${t.events} $(error) ${t.errors} $(warning) ${t.warnings}`;
  statusItem.tooltip = new vscode.MarkdownString(
    `**Policy Notes**\n\n${t.notes} notes, ${t.sources} sources, ${t.entities} entities, ${t.events} events, ${t.citations} citations\n\n` +
      `${t.errors} errors, ${t.warnings} warnings, ${t.information} information, ${t.hints} hints`,
  );
  statusItem.show();
}

/**
 * Which path settings of `scope` come from the user's own settings only: those may
 * name a folder outside the workspace (a shared clippings folder); a workspace or
 * folder value never may (a downloaded workspace must not make us read elsewhere).
 */
function userLevelPaths(scope: vscode.Uri | undefined, sent: PolicyNotesSettings): Array<'corpus' | 'metadata'> {
  const config = vscode.workspace.getConfiguration('policyNotes', scope);
  return (['corpus', 'metadata'] as const).filter((key) => isUserLevel(config.inspect<string>(key), sent[key]));
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  // The index cache lives in the extension's storage for this workspace, never in the workspace.
  const storage = context.storageUri ?? context.globalStorageUri;
  const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted, cacheDirectory: storage.scheme === 'file' ? storage.fsPath : null };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'pnote' }],
    synchronize: { configurationSection: 'policyNotes' },
    initializationOptions,
    diagnosticPullOptions: { onChange: true, onSave: true },
    middleware: {
      workspace: {
        // Tell the server which path settings are the user's own (see userLevelPaths).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return result.map((value: unknown, i) => {
            const item = params.items[i];
            if (item?.section !== 'policyNotes' || typeof value !== 'object' || value === null) {
              return value;
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const sent = value as PolicyNotesSettings;
            const settings: PolicyNotesSettings = { ...sent, userLevelPaths: userLevelPaths(scope, sent) };
            return settings;
          });
        },
      },
    },
  };
  return new LanguageClient('policyNotes', 'Policy Notes', serverOptions, clientOptions);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  await client.start();
  client.onNotification(StatsChangedNotification, (stats: StatsResult) => showStatus(stats));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Policy Notes';
  statusItem.command = 'policyNotes.showStats';
  statusItem.text = '$(sync~spin) Policy Notes';
  statusItem.show();
  context.subscriptions.push(statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('policyNotes.checkWorkspace', async () => {
      if (!client) {
        return;
      }
      const stats = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Policy Notes: checking the workspace…' },
        () => client!.sendRequest<StatsResult>(CheckWorkspaceRequest),
      );
      showStatus(stats);
      const t = totals(stats);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showInformationMessage(
        `Policy Notes: ${t.notes} notes and ${t.citations} citations checked against ${t.sources} sources: ${t.errors} errors, ${t.warnings} warnings, ${t.information} information.`,
      );
    }),
    vscode.commands.registerCommand('policyNotes.openSource', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'pnote') {
        void vscode.window.showInformationMessage('Policy Notes: place the cursor on a citation in a note.');
        return;
      }
      const locations = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
        'vscode.executeDefinitionProvider',
        editor.document.uri,
        editor.selection.active,
      );
      const first = locations?.[0];
      if (!first) {
        void vscode.window.showInformationMessage('Policy Notes: no citation of a known source under the cursor.');
        return;
      }
      const uri = 'targetUri' in first ? first.targetUri : first.uri;
      const range = 'targetRange' in first ? first.targetRange : first.range;
      const shown = await vscode.window.showTextDocument(uri, { selection: range, preview: true });
      shown.revealRange(range, vscode.TextEditorRevealType.InCenter);
    }),
    vscode.commands.registerCommand('policyNotes.restartServer', async () => {
      if (client) {
        await client.restart();
      } else {
        await startClient(context);
      }
    }),
    vscode.commands.registerCommand('policyNotes.showStats', async () => {
      if (!client) {
        return;
      }
      const stats = await client.sendRequest<StatsResult>(StatsRequest);
      showStatus(stats);
      const t = totals(stats);
      void vscode.window.showInformationMessage(
        `Policy Notes index: ${t.notes} notes, ${t.sources} sources, ${t.entities} entities, ${t.events} events, ` +
          `${t.citations} citations, ${t.quotations} quotations; ${t.errors} errors, ${t.warnings} warnings, ${t.information} information, ${t.hints} hints.`,
      );
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      // Settings that Restricted Mode ignored now apply: start over with them.
      await client?.stop();
      await startClient(context);
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
