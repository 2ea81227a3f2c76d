/**
 * The VM list's usage cells: a CPU sparkline with the figure now, and the memory in use. Each visible row's
 * cells draw themselves when the store ticks (a canvas and a text node, no React render), and only if their
 * VM had a new sample: a tick over 10,000 VMs touches the thirty or so rows in view (bench/usage-render).
 */
import { memo, useEffect, useRef } from 'react';
import { formatBytes } from '../hosts/format';
import { formatPercent } from './format';
import { SPARK_POINTS, sparkPoints, tracePoints, type SparkRing } from './spark';
import { usageStore } from './store';

const W = 40;
const H = 20;
const STROKE = '#0066cc';

function setText(el: HTMLElement | null, text: string): void {
  if (el !== null && el.textContent !== text) el.textContent = text;
}

/** Draws `ring` (CPU percent) into the canvas: 0 at the bottom, 100 % (or the highest value) at the top. */
function drawSpark(canvas: HTMLCanvasElement, ring: SparkRing | undefined, scratch: Float32Array): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const dpr = canvas.width / W;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  if (ring === undefined || ring.count === 0) return;
  let max = 100;
  for (const v of ring.values) if (v > max) max = v;
  const n = Math.min(ring.count, ring.values.length);
  const pts = sparkPoints(ring, W - 1, H - 2, max, scratch);
  ctx.beginPath();
  ctx.translate(0.5, 1);
  tracePoints(pts, n, ctx);
  ctx.strokeStyle = STROKE;
  ctx.lineWidth = 1;
  ctx.stroke();
}

/**
 * A VM's CPU: the last five minutes as a sparkline, and the percent now as text (drawing it in the canvas
 * measured slower: canvas text cost 5-7 ms a tick for 15 rows, the laid-out text about 1.5 ms).
 * `live` false: a spare row, drawn no more.
 */
export const CpuSparkCell = memo(function CpuSparkCell(props: { vmId: string; name: string; live: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const value = useRef<HTMLSpanElement>(null);
  const { vmId, live } = props;
  useEffect(() => {
    const c = canvas.current;
    if (!live || c === null) return;
    const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
    if (c.width !== W * dpr) {
      c.width = W * dpr;
      c.height = H * dpr;
    }
    const scratch = new Float32Array(SPARK_POINTS * 2);
    let drawn = -1;
    const draw = () => {
      const ring = usageStore.spark(vmId);
      const count = ring?.count ?? 0;
      if (count === drawn) return;
      drawn = count;
      drawSpark(c, ring, scratch.length >= count * 2 ? scratch : new Float32Array(count * 2));
      const now = ring?.latest ?? null;
      setText(value.current, now === null ? '—' : formatPercent(now));
    };
    draw();
    return usageStore.subscribe(draw);
  }, [vmId, live]);
  return (
    <span className="qhci-spark-cell">
      <canvas ref={canvas} className="qhci-spark" aria-hidden="true" />
      <span ref={value} className="qhci-spark-value" data-testid={live ? `vm-cpu-${props.name}` : undefined}>
        —
      </span>
    </span>
  );
});

/** A VM's memory in use now (what its host reports for the domain), or "—" while unknown. */
export const MemUsedCell = memo(function MemUsedCell(props: { vmId: string; name: string; live: boolean }) {
  const value = useRef<HTMLSpanElement>(null);
  const { vmId, live } = props;
  useEffect(() => {
    if (!live) return;
    let shown: number | null | undefined;
    const draw = () => {
      const bytes = usageStore.vmNow(vmId)?.memoryBytes ?? null;
      if (bytes === shown) return;
      shown = bytes;
      setText(value.current, bytes === null ? '—' : formatBytes(bytes));
    };
    draw();
    return usageStore.subscribe(draw);
  }, [vmId, live]);
  return (
    <span className="qhci-mem-cell">
      <span ref={value} className="qhci-mem-value" data-testid={live ? `vm-mem-${props.name}` : undefined}>
        —
      </span>
    </span>
  );
});
