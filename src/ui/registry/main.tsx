import '../common/page.css';
import './registry.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { RegistryApp } from './app.js';

const container = document.getElementById('root');
if (!container) {
  throw new Error('The registry page has no #root element');
}

createRoot(container).render(
  <StrictMode>
    <RegistryApp />
  </StrictMode>,
);
