package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DropLogTest {

    @Test
    void floodOfDropsLogsOnlyTheFirstBurstAtWarnAndTheRestAtDebug() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.DropLog");
        logger.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        DropLog drops = new DropLog(logger);

        for (int i = 0; i < 10_000; i++) {
            drops.drop("dropped " + i);
        }

        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(DropLog.BURST)
                .first().extracting(ILoggingEvent::getFormattedMessage).isEqualTo("dropped 0");
        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(10_000 - DropLog.BURST);
    }
}
