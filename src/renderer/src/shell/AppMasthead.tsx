import {
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  PageContext,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import BarsIcon from '@patternfly/react-icons/dist/esm/icons/bars-icon';
import { useContext } from 'react';
import { GlobalSearch } from './GlobalSearch';
import { RecentTasks } from './RecentTasks';
import { SIDEBAR_CLASS } from './sidebar';

/**
 * The sidebar's state on the masthead, as PageSidebar shows it on itself (expanded: open on a narrow
 * window; collapsed: closed). PatternFly's hamburger rules read it from here instead of from a `:has()` on
 * the page (src/build/patternfly-css.ts).
 */
function sidebarClass(page: { isSidebarOpen: boolean; isMobile: boolean }): string {
  if (!page.isSidebarOpen) return ` ${SIDEBAR_CLASS.collapsed}`;
  return page.isMobile ? ` ${SIDEBAR_CLASS.expanded}` : '';
}

export function AppMasthead() {
  const page = useContext(PageContext);
  return (
    <Masthead className={`qhci-masthead${sidebarClass(page)}`} data-testid="masthead">
      <MastheadMain className="qhci-masthead-main">
        <MastheadToggle>
          <PageToggleButton
            isHamburgerButton
            aria-label="Show or hide the navigation"
            data-testid="nav-toggle"
          >
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="span" data-testid="brand" className="qhci-brand">
            QHCI — Quantix Host Console
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic aria-label="Search and tasks">
          <ToolbarContent>
            <ToolbarItem className="qhci-global-search-item">
              <GlobalSearch />
            </ToolbarItem>
            <ToolbarItem align={{ default: 'alignEnd' }}>
              <RecentTasks />
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
}
