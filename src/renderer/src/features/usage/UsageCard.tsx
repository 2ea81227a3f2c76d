/** The frame of a page's usage charts: a card with the figures now, the charts, and why there are none. */
import { Alert, Card, CardBody, CardTitle, Content, Grid, GridItem } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useUsageVersion } from './hooks';
import { usageStore } from './store';
import './usage.css';

export interface ChartCell {
  readonly title: string;
  /** The figure now, beside the title. */
  readonly now: string;
  readonly chart: ReactNode;
  readonly testId: string;
}

export function UsageCard(props: {
  title: string;
  testId: string;
  /** Why there is nothing to chart (no host, not running), or null. */
  note: string | null;
  cells: readonly ChartCell[];
}) {
  useUsageVersion();
  const error = usageStore.watchError;
  return (
    <Card data-testid={props.testId}>
      <CardTitle component="h2">{props.title}</CardTitle>
      <CardBody>
        {error !== null && (
          <Alert
            variant="warning"
            isInline
            isPlain
            title={`Live usage is not available: ${error}`}
            data-testid={`${props.testId}-error`}
          />
        )}
        {props.note !== null && (
          <Content component="p" className="qhci-subtle" data-testid={`${props.testId}-note`}>
            {props.note}
          </Content>
        )}
        <Grid hasGutter>
          {props.cells.map((c) => (
            <GridItem key={c.testId} md={6} xl={props.cells.length > 3 ? 6 : 4}>
              <div className="qhci-usage-cell">
                <div className="qhci-usage-head">
                  <span className="qhci-usage-title">{c.title}</span>
                  <span className="qhci-usage-now" data-testid={`${c.testId}-now`}>
                    {c.now}
                  </span>
                </div>
                {c.chart}
              </div>
            </GridItem>
          ))}
        </Grid>
      </CardBody>
    </Card>
  );
}
