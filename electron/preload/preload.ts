import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge.ts';

// The one thing the console page gets from the preload: the contract-checked bridge, as window.standby.
contextBridge.exposeInMainWorld('standby', createPreloadBridge(ipcRenderer));
