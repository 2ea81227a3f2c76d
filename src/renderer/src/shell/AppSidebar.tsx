import { Nav, NavItem, NavList, PageSidebar, PageSidebarBody } from '@patternfly/react-core';
import { useUi } from '../stores/ui';
import { PAGE_LIST } from './pages';

export function AppSidebar() {
  const page = useUi((s) => s.page);
  const goTo = useUi((s) => s.goTo);
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Main navigation" onSelect={(_e, item) => goTo(item.itemId as typeof page)}>
          <NavList>
            {PAGE_LIST.map((p) => (
              <NavItem
                key={p.id}
                itemId={p.id}
                isActive={page === p.id}
                preventDefault
                to={`#${p.id}`}
                data-testid={`nav-${p.id}`}
              >
                {p.title}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}
