// Electron main: one secure window, the contract's channels on IPC, the OS keychain.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, safeStorage, shell, type IpcMainInvokeEvent } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killStepProcessGroups } from '../core/targets/process-groups';
import { CHANNEL_PREFIX, channelNames } from '../shared/contract';
import { PUSH_CHANNEL } from '../shared/push';
import { createContractService, DEFAULT_AUTO_LOCK_MS, type ContractService, type Keychain } from './handlers';
import { devServerFrom } from './dev-server';
import { menuTemplate } from './menu';
import { configureNativeBinding } from './native-binding';
import { APP_ORIGIN, hardenWebContents, lockDownSession, registerAppScheme, serveRenderer } from './security';

const here = dirname(fileURLToPath(import.meta.url));
const log = (message: string): void => console.log(`[cutover] ${message}`);

// A development server only when asked for in so many words (CUTOVER_DEV=1 and a loopback
// ELECTRON_RENDERER_URL, unpackaged); `npm start` and a packaged app load the built files.
const devDecision = devServerFrom(process.env, app.isPackaged);
const devServer = devDecision.url;
/** DevTools and Reload in the menu, only in an explicit development session. */
const devSession = !app.isPackaged && process.env.CUTOVER_DEV === '1';

// Tests (and a user who wants a separate profile) point the app at another data folder.
if (process.env.CUTOVER_USER_DATA_DIR) app.setPath('userData', process.env.CUTOVER_USER_DATA_DIR);

/**
 * safeStorage as the vault's keychain slot. On Linux without a secret service Electron falls
 * back to 'basic_text', a key hard-coded in Chromium: that protects nothing, so it counts as
 * no keychain at all.
 */
const safeStorageKeychain: Keychain = {
  isAvailable: () => safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  wrap: (dataKey) => safeStorage.encryptString(dataKey.toString('base64')),
  unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
};

/**
 * SSH targets read ~/.ssh/config for host aliases. CUTOVER_SSH_CONFIG names another file (a
 * missing one means no aliases), so tests are not steered by the machine's own config.
 */
function sshConfigPath(): { sshConfigPath?: string } {
  const path = process.env.CUTOVER_SSH_CONFIG;
  return path ? { sshConfigPath: path } : {};
}

function autoLockMs(): number | null {
  const raw = process.env.CUTOVER_AUTO_LOCK_MINUTES;
  if (raw === undefined || raw === '') return DEFAULT_AUTO_LOCK_MS;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0) return DEFAULT_AUTO_LOCK_MS;
  return minutes === 0 ? null : minutes * 60_000;
}

let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Cutover Workstation',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171a' : '#f7f7f5',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: devSession,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devServer ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** Only our own page's top frame may call the contract. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || !mainWindow || frame !== mainWindow.webContents.mainFrame) return false;
  try {
    const origin = new URL(frame.url).origin;
    return origin === APP_ORIGIN || (devServer !== undefined && origin === new URL(devServer).origin);
  } catch {
    return false;
  }
}

function registerIpc(service: ContractService): void {
  for (const name of channelNames) {
    ipcMain.handle(CHANNEL_PREFIX + name, (event, input: unknown) => {
      if (!isTrustedSender(event)) return service.forbiddenSender();
      return service.dispatch(name, input);
    });
  }
}

async function chooseVaultPath(purpose: 'create' | 'open', defaultPath: string): Promise<string | null> {
  const options = { defaultPath, filters: [{ name: 'Cutover vault', extensions: ['vault'] }] };
  if (purpose === 'create') {
    const result = mainWindow ? await dialog.showSaveDialog(mainWindow, { ...options, properties: ['createDirectory'] }) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  }
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, { ...options, properties: ['openFile'] }) : await dialog.showOpenDialog({ ...options, properties: ['openFile'] });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

const FILE_FILTERS = {
  runbook: [{ name: 'Runbook', extensions: ['yaml', 'yml'] }],
  plan: [{ name: 'Plan', extensions: ['json'] }],
  key: [{ name: 'All files', extensions: ['*'] }],
  pack: [{ name: 'Decision pack (zip)', extensions: ['zip'] }],
  act: [{ name: 'Act', extensions: ['json'] }],
  signature: [{ name: 'SSH signature', extensions: ['sig'] }],
  markdown: [{ name: 'Markdown runbook', extensions: ['md', 'markdown'] }],
  draft: [{ name: 'Runbook', extensions: ['yaml', 'yml'] }],
} as const;

/** Files the window writes get a save dialog (the contract's own refusal guards an existing draft). */
const SAVE_AS: Partial<Record<keyof typeof FILE_FILTERS, string>> = { plan: 'plan.json', draft: 'runbook.yaml' };

async function chooseFile(purpose: keyof typeof FILE_FILTERS, name?: string): Promise<string | null> {
  const filters = FILE_FILTERS[purpose].map((f) => ({ name: f.name, extensions: [...f.extensions] }));
  const saveAs = SAVE_AS[purpose];
  if (saveAs) {
    const defaultPath = name ?? saveAs;
    const result = mainWindow ? await dialog.showSaveDialog(mainWindow, { filters, defaultPath }) : await dialog.showSaveDialog({ filters, defaultPath });
    return result.canceled || !result.filePath ? null : result.filePath;
  }
  const options = { filters, properties: ['openFile' as const] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** Pushes go to our window only, on the one allow-listed push channel. */
function forwardPushes(service: ContractService): void {
  service.subscribe((message) => {
    const contents = mainWindow?.webContents;
    if (!contents || contents.isDestroyed()) return;
    contents.send(PUSH_CHANNEL, message);
  });
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    // A second instance would open a second window on the same vaults: focus the first instead.
    app.quit();
    return;
  }
  app.enableSandbox();
  registerAppScheme();
  hardenWebContents();

  const native = configureNativeBinding(app.getAppPath(), {
    electron: process.versions.electron,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  });
  if (native.kind === 'missing') {
    log(`no better-sqlite3 build for this Electron (${native.reason}); opening a vault will fail. Start the app with \`npm start\`, which builds it.`);
  } else {
    log(`SQLite native binding: ${native.path}`);
  }

  let service: ContractService | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  if (devDecision.ignored) log(`ELECTRON_RENDERER_URL ignored: ${devDecision.ignored}`);

  app.whenReady().then(() => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ dev: devSession, platform: process.platform })));
    lockDownSession(devServer);
    serveRenderer(join(here, '../renderer'));
    const defaultVaultPath = join(app.getPath('userData'), 'vaults', 'cutover.vault');
    service = createContractService({
      keychain: safeStorageKeychain,
      defaultVaultPath,
      chooseVaultPath: (purpose) => chooseVaultPath(purpose, defaultVaultPath),
      chooseFile,
      openPath: async (path) => (await shell.openPath(path)) === '',
      autoLockMs: autoLockMs(),
      ...sshConfigPath(),
      log,
    });
    registerIpc(service);
    forwardPushes(service);
    mainWindow = createWindow();
  }, (error: unknown) => {
    log(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    app.exit(1);
  });

  // Closing the window ends the session on every platform: an evidence vault must not stay
  // unlocked in a process with no window.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => service?.dispose());
  app.on('will-quit', () => killStepProcessGroups('SIGTERM'));
}

main();
