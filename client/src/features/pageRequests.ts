/**
 * Questions to a webview page that it answers with a message carrying the question's id (the
 * test hooks that ask the rule preview and the DICOM viewer what they show).
 */
import type * as vscode from 'vscode';

export class PageRequests<Answer> {
  private lastId = 0;
  private readonly waiting = new Map<number, (answer: Answer) => void>();

  /**
   * Posts `message(id)` to `webview` and resolves with the page's answer to it; rejects with
   * `silence` when none comes within `timeoutMs`.
   */
  ask(webview: vscode.Webview, message: (id: number) => unknown, timeoutMs: number, silence: string): Promise<Answer> {
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(silence));
      }, timeoutMs);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      void webview.postMessage(message(id));
    });
  }

  /** Hands the page's answer to question `id` to whoever asked (an unknown id is ignored). */
  answer(id: number, answer: Answer): void {
    this.waiting.get(id)?.(answer);
    this.waiting.delete(id);
  }
}
