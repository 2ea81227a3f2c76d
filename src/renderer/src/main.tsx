import '@patternfly/react-core/dist/styles/base.css';
import './app.css';
// The icons that list rows draw with CSS (components/icon-masks.ts; written at build by src/build).
import 'virtual:qhci-icon-masks.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installStreamPorts } from './features/console/stream-port';

// Console ports may arrive as soon as a console is asked for: listen before anything renders.
installStreamPorts();

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
