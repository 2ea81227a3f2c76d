import {
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import BarsIcon from '@patternfly/react-icons/dist/esm/icons/bars-icon';
import { GlobalSearch } from './GlobalSearch';
import { RecentTasks } from './RecentTasks';

export function AppMasthead() {
  return (
    <Masthead className="qhci-masthead">
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
