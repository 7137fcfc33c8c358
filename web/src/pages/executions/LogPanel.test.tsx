// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen } from '@testing-library/react';
import { renderIn } from '../../test/render';
import type { LogLine } from './model';
import { LogPanel } from './LogPanel';

const line = (i: number): LogLine => ({ time: `2026-02-15T10:26:${String(i % 60).padStart(2, '0')}Z`, message: `流量切换至${i}%`, key: 'shift.move', level: 'info' });

/** jsdom has no layout: the box's sizes are given. */
function sized(el: HTMLElement, scrollHeight: number, clientHeight = 300) {
  Object.defineProperty(el, 'scrollHeight', { configurable: true, value: scrollHeight });
  Object.defineProperty(el, 'clientHeight', { configurable: true, value: clientHeight });
}

describe('LogPanel', () => {
  it('follows new lines at the bottom, holds when scrolled up, and follows again on request', () => {
    const logs = [line(1), line(2)];
    const { rerender } = renderIn('zh', <LogPanel logs={logs} />);
    const box = screen.getByTestId('execution-log-box');
    expect(screen.getAllByTestId('execution-log').map((e) => e.textContent)).toEqual([expect.stringContaining('流量切换至1%'), expect.stringContaining('流量切换至2%')]);

    sized(box, 1000);
    rerender(<LogPanel logs={[...logs, line(3)]} />);
    expect(box.scrollTop).toBe(1000); // followed to the newest line

    // The user scrolls up: new lines do not move the view.
    box.scrollTop = 200;
    fireEvent.scroll(box);
    expect(box.dataset.following).toBe('false');
    screen.getByText('已向上滚动：不再自动跟随新日志');
    sized(box, 1200);
    rerender(<LogPanel logs={[...logs, line(3), line(4)]} />);
    expect(box.scrollTop).toBe(200);

    // 跟随最新 goes back down and follows again.
    act(() => screen.getByTestId('execution-logs-follow').click());
    expect(box.scrollTop).toBe(1200);
    expect(box.dataset.following).toBe('true');
    sized(box, 1400);
    rerender(<LogPanel logs={[...logs, line(3), line(4), line(5)]} />);
    expect(box.scrollTop).toBe(1400);
  });
});
