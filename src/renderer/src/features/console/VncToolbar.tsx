import {
  Button,
  Dropdown,
  DropdownItem,
  DropdownList,
  MenuToggle,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import CompressIcon from '@patternfly/react-icons/dist/esm/icons/compress-icon';
import ExpandIcon from '@patternfly/react-icons/dist/esm/icons/expand-icon';
import ExternalLinkAltIcon from '@patternfly/react-icons/dist/esm/icons/external-link-alt-icon';
import KeyboardIcon from '@patternfly/react-icons/dist/esm/icons/keyboard-icon';
import SyncAltIcon from '@patternfly/react-icons/dist/esm/icons/sync-alt-icon';
import { useState } from 'react';
import { SEND_KEY_COMBOS, type KeyCombo } from './keys';

/** The graphical console's controls: scaling, full screen, keys the workstation would keep, reconnect. */
export function VncToolbar(props: {
  connected: boolean;
  scale: boolean;
  onScale(scale: boolean): void;
  fullscreen: boolean;
  onFullscreen(): void;
  onSendKeys(combo: KeyCombo): void;
  onTypeText(): void;
  onReconnect(): void;
  /** Shown on the VM page: opens the console alone in the window. */
  onDetach?: () => void;
}) {
  const [keysOpen, setKeysOpen] = useState(false);
  return (
    <Toolbar className="qhci-console-toolbar" data-testid="vnc-toolbar">
      <ToolbarContent>
        <ToolbarItem>
          <ToggleGroup aria-label="Screen size">
            <ToggleGroupItem
              text="Scale to window"
              isSelected={props.scale}
              onChange={() => props.onScale(true)}
              data-testid="vnc-scale-fit"
            />
            <ToggleGroupItem
              text="1:1"
              isSelected={!props.scale}
              onChange={() => props.onScale(false)}
              data-testid="vnc-scale-native"
            />
          </ToggleGroup>
        </ToolbarItem>
        <ToolbarItem>
          <Dropdown
            isOpen={keysOpen}
            onOpenChange={setKeysOpen}
            onSelect={(_e, value) => {
              setKeysOpen(false);
              const combo = SEND_KEY_COMBOS.find((c) => c.id === value);
              if (combo) props.onSendKeys(combo);
            }}
            shouldFocusToggleOnSelect
            popperProps={{ appendTo: () => document.body }}
            toggle={(ref) => (
              <MenuToggle
                ref={ref}
                icon={<KeyboardIcon />}
                onClick={() => setKeysOpen((o) => !o)}
                isExpanded={keysOpen}
                isDisabled={!props.connected}
                data-testid="vnc-send-keys"
              >
                Send keys
              </MenuToggle>
            )}
          >
            <DropdownList aria-label="Keys to send">
              {SEND_KEY_COMBOS.map((c) => (
                <DropdownItem key={c.id} value={c.id} data-testid={`vnc-key-${c.id}`}>
                  {c.label}
                </DropdownItem>
              ))}
            </DropdownList>
          </Dropdown>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="secondary"
            onClick={props.onTypeText}
            isDisabled={!props.connected}
            data-testid="vnc-type-text"
          >
            Type text…
          </Button>
        </ToolbarItem>
        <ToolbarGroup align={{ default: 'alignEnd' }}>
          <ToolbarItem>
            <Button
              variant="secondary"
              icon={<SyncAltIcon />}
              onClick={props.onReconnect}
              data-testid="vnc-reconnect"
            >
              Reconnect
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="secondary"
              icon={props.fullscreen ? <CompressIcon /> : <ExpandIcon />}
              onClick={props.onFullscreen}
              data-testid="vnc-fullscreen"
            >
              {props.fullscreen ? 'Exit full screen' : 'Full screen'}
            </Button>
          </ToolbarItem>
          {props.onDetach && (
            <ToolbarItem>
              <Button
                variant="secondary"
                icon={<ExternalLinkAltIcon />}
                onClick={props.onDetach}
                data-testid="vnc-detach"
              >
                Detach
              </Button>
            </ToolbarItem>
          )}
        </ToolbarGroup>
      </ToolbarContent>
    </Toolbar>
  );
}
