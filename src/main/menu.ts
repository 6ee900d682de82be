// The application menu. Electron's default menu offers Toggle Developer Tools and Reload to
// anyone at the keyboard; a production build offers neither (DevTools would let a person at the
// workstation call the IPC surface by hand). A development session (CUTOVER_DEV=1) keeps them.
import type { MenuItemConstructorOptions } from 'electron';

export function menuTemplate(options: { dev: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (options.dev) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  const template: MenuItemConstructorOptions[] = [
    { label: 'File', submenu: [options.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  if (options.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return template;
}

/** Every role any item of the menu carries, nested submenus included. */
export function menuRoles(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : [])]);
}
