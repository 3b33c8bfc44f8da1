import 'uplot/dist/uPlot.min.css';
import '../common/page.css';
import './admin.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { DashboardApp } from './app.js';

const container = document.getElementById('root');
if (!container) {
  throw new Error('The dashboard page has no #root element');
}

createRoot(container).render(
  <StrictMode>
    <DashboardApp />
  </StrictMode>,
);
