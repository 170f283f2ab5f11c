import { render } from 'preact';
import { PortalPage } from './portal-page';
import { takePortalToken } from './portal-token';
import './styles.css';

const token = takePortalToken(window.location, window.history, window.sessionStorage);
const root = document.getElementById('app');
if (root) render(<PortalPage token={token} />, root);
