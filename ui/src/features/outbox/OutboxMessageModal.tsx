import { Modal } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { mailboxApi } from '../../api/mailboxes';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { useLoad } from '../../hooks/useLoad';
import { OutboxMessageView } from './OutboxMessageView';

interface Props {
  mailboxId: string;
  messageId: string | null;
  onClose: () => void;
}

export function OutboxMessageModal({ mailboxId, messageId, onClose }: Props) {
  const mobile = useMediaQuery('(max-width: 48em)');
  return (
    <Modal opened={messageId !== null} onClose={onClose} title="Message" size="xl" fullScreen={mobile}>
      {messageId !== null && <Loader mailboxId={mailboxId} messageId={messageId} />}
    </Modal>
  );
}

function Loader({ mailboxId, messageId }: { mailboxId: string; messageId: string }) {
  const message = useLoad(
    (signal) => mailboxApi.outboxMessage(mailboxId, messageId, signal),
    [mailboxId, messageId],
  );
  if (message.error) return <ErrorState error={message.error} onRetry={message.reload} />;
  if (!message.data) return <LoadingState label="Loading the message…" />;
  return <OutboxMessageView message={message.data} />;
}
